"""Printed documents: render HTML from reports/ to PDF, sign (PAdES), store, verify."""
