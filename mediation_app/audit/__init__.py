"""The append-only, hash-chained trail of every change to a case."""
