"""Archiving a closed case (归档): the case file (卷宗) as one PDF, and the case read-only."""
