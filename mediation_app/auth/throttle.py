"""Sign-in throttling with back-off, kept in the rate limiter's storage (Redis in production).

Failures are counted per account and address, and per account from every address. Past a
few free failures each further attempt must wait twice as long as the last (capped), so a
guesser slows down quickly while the owner, signing in from their own address, is at most
briefly delayed by failures from elsewhere. Nothing here depends on whether the account
exists, so a throttled answer reveals no account."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from limits.storage import Storage


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5            # per account and address before back-off starts
    account_free_failures: int = 20   # per account from all addresses
    window_seconds: int = 900         # failures older than this are forgotten
    max_backoff_seconds: int = 900
    account_max_backoff_seconds: int = 60


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class LoginThrottle:
    def __init__(self, storage: Storage, policy: ThrottlePolicy):
        self.storage = storage
        self.policy = policy

    def _counters(self, username: str, address: str) -> list[tuple[str, int, int]]:
        account = _digest(username.strip().lower())
        policy = self.policy
        return [(f"login-backoff/{account}/{_digest(address)}", policy.free_failures,
                 policy.max_backoff_seconds),
                (f"login-backoff/{account}", policy.account_free_failures,
                 policy.account_max_backoff_seconds)]

    def wait_seconds(self, username: str, address: str) -> int:
        """How long this account and address must wait before the next attempt (0: go on)."""
        waits = [self.storage.get_expiry(f"{key}/blocked") - time.time()
                 for key, _free, _cap in self._counters(username, address)
                 if self.storage.get(f"{key}/blocked")]
        return max([0, *[round(wait + 0.5) for wait in waits]])

    def record_failure(self, username: str, address: str) -> None:
        for key, free, cap in self._counters(username, address):
            failures = self.storage.incr(f"{key}/failures", self.policy.window_seconds)
            if failures > free:
                self.storage.clear(f"{key}/blocked")
                self.storage.incr(f"{key}/blocked", min(2 ** (failures - free), cap))

    def record_success(self, username: str, address: str) -> None:
        key, _free, _cap = self._counters(username, address)[0]
        self.storage.clear(f"{key}/failures")
        self.storage.clear(f"{key}/blocked")
