from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db, utcnow
from ..workflow import Definition, parse_definition


class WorkflowVersion(db.Model):
    """The exact text of a definition some handling started with; never changed."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("name", "sha256", name="uq_workflow_versions_name_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def definition(self) -> Definition:
        return _parse(self.text, f"{self.name} v{self.version}")

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version} ({self.sha256[:8]})"


@lru_cache(maxsize=256)
def _parse(text: str, origin: str) -> Definition:
    return parse_definition(text, origin)
