"""JSON API under /api/v1, authenticated by per-user bearer tokens."""
