from __future__ import annotations

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, one_of
from ..domain.case_numbers import DEFAULT_FORMAT
from ..domain.codes import CHANNEL_OF_KIND, InstitutionKind, RegionLevel, values


class Region(db.Model):
    """A node of the region tree; `path` holds the ids from the root, e.g. /1/4/17/."""

    __tablename__ = "regions"
    __table_args__ = (one_of("level", values(RegionLevel), "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    def set_path(self) -> None:
        """Call after flush, when the id is known."""
        prefix = self.parent.path if self.parent else "/"
        self.path = f"{prefix}{self.id}/"

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)

    def lineage_ids(self) -> list[int]:
        """The ids of the region's ancestors and its own, from the top down."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def lineage(self) -> list[Region]:
        ids = self.lineage_ids()
        regions = db.session.scalars(select(Region).where(Region.id.in_(ids))).all()
        by_id = {region.id: region for region in regions}
        return [by_id[i] for i in ids if i in by_id]

    def full_name(self) -> str:
        return " / ".join(region.name for region in self.lineage())

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Institution(db.Model):
    __tablename__ = "institutions"
    __table_args__ = (one_of("kind", values(InstitutionKind), "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    case_number_format: Mapped[str] = mapped_column(String(80), default=DEFAULT_FORMAT)
    # the dispute type a professional committee specialises in (医患, 交通, 物业 ...)
    specialty: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship()

    @property
    def channel(self) -> str | None:
        channel = CHANNEL_OF_KIND[InstitutionKind(self.kind)]
        return channel.value if channel else None

    def __repr__(self) -> str:
        return f"<Institution {self.code} {self.name}>"
