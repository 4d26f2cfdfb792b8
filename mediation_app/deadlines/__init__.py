"""Deadline sweeps: reminders before, escalation (督办) after, expiry of referrals."""
