"""Supervision (督办): orders from a governance centre to the institution handling a case."""
