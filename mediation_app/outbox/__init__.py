"""Email and text messages sent after commit: queued in the caller's transaction, drained
by the scheduler (and right after a request), each sent at most once per claim."""
