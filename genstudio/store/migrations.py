"""Schema version (`PRAGMA user_version`) and migrations, with a backup before migrating."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import peewee as pw

from genstudio.errors import GenStudioError
from genstudio.store.tables import ALL_TABLES

log = logging.getLogger(__name__)

Migration = Callable[[pw.SqliteDatabase], None]


def _v1_initial(db: pw.SqliteDatabase) -> None:
    db.create_tables(ALL_TABLES)


# MIGRATIONS[n] upgrades a database at version n-1 to version n. Append; never edit old ones.
MIGRATIONS: dict[int, Migration] = {1: _v1_initial}


def schema_version() -> int:
    return max(MIGRATIONS)


def current_version(db: pw.SqliteDatabase) -> int:
    return int(db.execute_sql("PRAGMA user_version").fetchone()[0])


def backup_database(db: pw.SqliteDatabase, path: Path, version: int) -> Path:
    """Copy the live database with SQLite's online backup API (consistent under WAL)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    dest = sqlite3.connect(target)
    try:
        db.connection().backup(dest)
    finally:
        dest.close()
    return target


def migrate(db: pw.SqliteDatabase, path: Path) -> Path | None:
    """Bring the schema to the newest version. Returns the backup path if one was made."""
    version = current_version(db)
    target = schema_version()
    if version > target:
        raise GenStudioError(
            f"{path}: the database is at schema version {version}, newer than this GenStudio "
            f"understands ({target}); upgrade GenStudio to open it"
        )
    if version == target:
        return None
    backup = backup_database(db, path, version) if version > 0 else None
    if backup:
        log.info("backed up %s to %s before migrating v%d -> v%d", path, backup, version, target)
    for step in range(version + 1, target + 1):
        with db.atomic():
            MIGRATIONS[step](db)
            db.execute_sql(f"PRAGMA user_version = {step}")
    return backup
