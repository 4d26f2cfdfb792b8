"""Keeping an uploaded ledger under MEDIATION_STORAGE, judged by its content: an .xlsx
workbook (a zip) or CSV (UTF-8 text). Copied in chunks, never held whole in memory."""

from __future__ import annotations

import codecs
import os
from typing import IO
from uuid import uuid4

from ..storage import Storage

ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024


class UploadRefused(ValueError):
    """reason is one of: empty, too_large, wrong_type."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def store_upload(stream: IO[bytes], storage: Storage, *, max_bytes: int) -> tuple[str, str]:
    """Write the upload to storage; return (storage key, "csv" or "xlsx")."""
    head = stream.read(len(ZIP_MAGIC))
    if not head:
        raise UploadRefused("empty")
    kind = "xlsx" if head == ZIP_MAGIC else "csv"
    key = f"ledger/{uuid4().hex}.{kind}"
    path = storage.path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        _copy(head, stream, partial, kind=kind, max_bytes=max_bytes)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return key, kind


def _copy(head: bytes, stream: IO[bytes], target, *, kind: str, max_bytes: int) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")() if kind == "csv" else None
    size, chunk = 0, head
    with open(target, "wb") as out:
        while chunk:
            size += len(chunk)
            if size > max_bytes:
                raise UploadRefused("too_large")
            if decoder is not None:
                _check_text(decoder, chunk)
            out.write(chunk)
            chunk = stream.read(CHUNK)
        if decoder is not None:
            _check_text(decoder, b"", final=True)


def _check_text(decoder, chunk: bytes, *, final: bool = False) -> None:
    try:
        text = decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        raise UploadRefused("wrong_type") from None
    if "\x00" in text:
        raise UploadRefused("wrong_type")
