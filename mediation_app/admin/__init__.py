"""Administration: regions, institutions, users, API tokens."""
