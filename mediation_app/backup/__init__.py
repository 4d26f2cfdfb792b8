"""Backup and restore of the database and the document store together."""
