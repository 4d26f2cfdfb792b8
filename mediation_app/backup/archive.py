"""One archive holds the database (SQLite: a copy made with the online backup API;
PostgreSQL: a pg_dump custom-format dump), the whole document store (documents,
attachments, audit checkpoints) and a manifest with row counts and file digests.

Keys (SECRET_KEY, the audit key, the data key) are not in the archive: back them up
separately, they are needed to verify and read what is restored."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine, make_url

from ..extensions import db

MANIFEST = "manifest.json"


class RestoreRefused(Exception):
    """The target is not empty, or the archive does not match its manifest."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    dialect: str
    counts: dict[str, int]
    files: dict[str, str]  # storage path -> sha256


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables
                if inspect(connection).has_table(table.name)}


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): _digest(path)
            for path in sorted(root.rglob("*")) if path.is_file()}


def _libpq_url(engine: Engine) -> str:
    url = make_url(engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _dump_database(engine: Engine, into: Path) -> str:
    if engine.dialect.name == "sqlite":
        target = into / "database.sqlite"
        source = sqlite3.connect(engine.url.database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # consistent even while the app writes
        copy.close()
        source.close()
        return target.name
    target = into / "database.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-acl",
                    f"--file={target}", _libpq_url(engine)], check=True)
    return target.name


def create_backup(engine: Engine, storage: str | Path, directory: str | Path, *,
                  now: datetime) -> Path:
    """Write backup-<time>.tar.gz into the directory; return its path."""
    storage = Path(storage)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        database = _dump_database(engine, work)
        manifest = Manifest(created_at=now.isoformat(timespec="seconds"),
                            dialect=engine.dialect.name, counts=_counts(engine),
                            files=_files(storage) if storage.exists() else {})
        (work / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=1))
        Path(directory).mkdir(parents=True, exist_ok=True)
        archive = Path(directory) / f"backup-{now:%Y%m%dT%H%M%S}.tar.gz"
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST, MANIFEST)
            tar.add(work / database, database)
            if storage.exists():
                tar.add(storage, "storage")
        os.replace(partial, archive)
        return archive


def _is_empty(engine: Engine) -> bool:
    counts = _counts(engine)
    return not any(counts.values())


def restore_backup(engine: Engine, storage: str | Path, archive: str | Path) -> Manifest:
    """Restore into an empty database and an empty (or missing) storage folder, then check
    the row counts and file digests against the manifest."""
    storage = Path(storage)
    if not _is_empty(engine):
        raise RestoreRefused("the database is not empty: restore only into an empty one")
    if storage.exists() and any(storage.iterdir()):
        raise RestoreRefused(f"the storage folder {storage} is not empty")
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(scratch, filter="data")
        work = Path(scratch)
        manifest = Manifest(**json.loads((work / MANIFEST).read_text()))
        if manifest.dialect != engine.dialect.name:
            raise RestoreRefused(f"the backup is of a {manifest.dialect} database")
        _restore_database(engine, work)
        if (work / "storage").exists():
            shutil.copytree(work / "storage", storage, dirs_exist_ok=True)
    _check(engine, storage, manifest)
    return manifest


def _restore_database(engine: Engine, work: Path) -> None:
    engine.dispose()
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(work / "database.sqlite")
        target = sqlite3.connect(engine.url.database)
        with target:
            source.backup(target)
        target.close()
        source.close()
        return
    with engine.begin() as connection:  # the empty schema the migrations may have made
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    subprocess.run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
                    f"--dbname={_libpq_url(engine)}", str(work / "database.dump")], check=True)


def _check(engine: Engine, storage: Path, manifest: Manifest) -> None:
    counts = _counts(engine)
    wrong = {name: (count, counts.get(name)) for name, count in manifest.counts.items()
             if counts.get(name) != count}
    if wrong:
        raise RestoreRefused(f"row counts differ from the backup: {wrong}")
    files = _files(storage)
    damaged = [name for name, digest in manifest.files.items() if files.get(name) != digest]
    if damaged:
        raise RestoreRefused(f"files missing or changed: {', '.join(damaged[:10])}")
