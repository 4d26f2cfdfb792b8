"""What the public verify page can find by code besides issued documents: other packages
register a lookup (code -> record with title, institution, created_at, voided_at, sha256,
verification_code, case_id), so documents need not know them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Document

_LOOKUPS: list[Callable[[Session, str], object | None]] = []


def register_verifiable(lookup: Callable[[Session, str], object | None]) -> None:
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)


def issued_by_code(session: Session, code: str):
    """The document, or else the registered record, that carries the verification code."""
    found = session.scalar(select(Document).where(Document.verification_code == code))
    for lookup in _LOOKUPS:
        if found is not None:
            break
        found = lookup(session, code)
    return found
