"""Signed checkpoints of every chain's head, written outside the database (a folder in the
document store by default, AUDIT_CHECKPOINT_DIR): whoever deletes whole chains from the
database cannot delete what the checkpoint remembers, nor forge a checkpoint without the
audit key."""

from __future__ import annotations

import hmac
import json
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .keys import audit_key, mac
from .models import AuditHead

KEEP = 48  # the newest checkpoints kept; older ones are removed


class CheckpointForged(Exception):
    """The newest checkpoint does not carry a valid signature."""


def _signed(document: dict) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def write_checkpoint(session: Session, directory: str | Path, *, now: datetime,
                     key: bytes | None = None) -> Path:
    """Record every chain's length and last hash, signed; return the file written."""
    chains = {str(case_id): [length, head_hash] for case_id, length, head_hash in session.execute(
        select(AuditHead.case_id, AuditHead.length, AuditHead.head_hash))}
    document = {"at": now.isoformat(timespec="seconds"), "chains": chains}
    document["mac"] = mac(_signed(document), key or audit_key())
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y%m%dT%H%M%S%f}.json"
    temporary = path.with_suffix(".part")
    temporary.write_text(json.dumps(document))
    os.replace(temporary, path)
    for old in sorted(folder.glob("*.json"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return path


def latest_checkpoint(directory: str | Path, *, key: bytes | None = None) -> dict | None:
    """The newest checkpoint, checked against its signature; None when there is none."""
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        return None
    document = json.loads(files[-1].read_text())
    signature = document.pop("mac", "")
    if not hmac.compare_digest(signature, mac(_signed(document), key or audit_key())):
        raise CheckpointForged(files[-1].name)
    return document
