"""Mediation ledgers (调解台账): import and export as CSV or .xlsx (DESIGN.md §6)."""
