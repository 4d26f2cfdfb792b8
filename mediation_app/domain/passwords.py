"""Password rules of 等保 2.0 (GB/T 22239-2019, 安全计算环境 · 身份鉴别, level 2 item
7.1.4.1 a and level 3 item 8.1.4.1 a): "应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，
身份鉴别信息具有复杂度要求并定期更换". As assessors read it: at least 8 characters mixing
letters, digits and symbols, never the username, changed periodically (90 days is the usual
setting), and an initial or reset password replaced by its owner."""

from datetime import datetime, timedelta

MIN_LENGTH = 8
MIN_KINDS = 3  # of upper-case letters, lower-case letters, digits and symbols


def _kinds(password: str) -> int:
    return sum((any(c.isupper() for c in password), any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password)))


def password_problems(password: str, username: str) -> list[str]:
    """What keeps the password from being strong enough: too_short, too_few_kinds,
    contains_username. Empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if _kinds(password) < MIN_KINDS:
        problems.append("too_few_kinds")
    if username and username.strip().casefold() in password.casefold():
        problems.append("contains_username")
    return problems


def is_expired(changed_at: datetime | None, now: datetime, max_age_days: int) -> bool:
    """Whether a password set at `changed_at` is older than the allowed age. An account whose
    change was never recorded (set before ageing was kept, or the demo's) has no age; a
    maximum of 0 days turns ageing off."""
    if changed_at is None or max_age_days <= 0:
        return False
    return now - changed_at >= timedelta(days=max_age_days)
