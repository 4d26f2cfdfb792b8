"""Who may do what by role is said once, in mediation_app/access: no other module compares a
user's role (a grep over the source, as the issue asked)."""

import re
from pathlib import Path

import mediation_app

PACKAGE = Path(mediation_app.__file__).parent
ROLE_CHECKS = [
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot\s+in\b)"),    # user.role == ..., user.role in ...
    re.compile(r"\bUser\.role\s*(==|!=|\.in_\()"),          # the same in SQL
    re.compile(r"\bRole\.[A-Z]+"),                           # Role.MEDIATOR ...
    re.compile(r"\b[A-Z_]*ROLES\s*=\s*\("),                  # READER_ROLES = ("committee", ...)
    re.compile(r"\broles_required\b"),
]
WHERE_ROLES_ARE_DEFINED = {PACKAGE / "domain" / "codes.py"}


def _role_checks_outside_the_policy() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if PACKAGE / "access" in path.parents or path in WHERE_ROLES_ARE_DEFINED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in ROLE_CHECKS):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    return found


def test_no_module_outside_the_access_policy_compares_roles():
    assert _role_checks_outside_the_policy() == []


def test_the_grep_would_see_a_role_check_if_one_were_written():
    """The patterns catch the forms the code used before the policy existed."""
    samples = ['if user.role == "mediator":', "if current_user.role in HANDLING_ROLES:",
               'User.role == "committee"', "roles_required(Role.ADMIN)",
               'READER_ROLES = ("committee", "dispatcher")', "if user.role not in roles:"]
    assert all(any(p.search(sample) for p in ROLE_CHECKS) for sample in samples)
