"""Regions and institutions: who sits where."""
