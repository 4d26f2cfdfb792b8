"""Mediation sessions, agreements, signatures, and the documents printed from them."""
