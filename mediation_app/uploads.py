"""Uploaded files judged by their content, not their name: case attachments, referral
materials (移交材料) and the parties' application files."""

from __future__ import annotations

import filetype


class UploadRefused(ValueError):
    """reason is one of: empty, too_large, wrong_type."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sniff_upload(content: bytes, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """The content type judged from the bytes themselves, or UploadRefused."""
    if not content:
        raise UploadRefused("empty")
    if len(content) > max_bytes:
        raise UploadRefused("too_large")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in allowed:
        raise UploadRefused("wrong_type")
    return kind.mime
