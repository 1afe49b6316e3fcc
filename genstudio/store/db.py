"""The one database connection: WAL, foreign keys, a single writer.

Every read and write goes through one connection guarded by one lock, and async callers go
through one single-thread executor (`await store.run(fn, ...)`), so there is exactly one writer
(the SQLite WAL-reset bug below 3.51.3 needs two) and no "database is locked" between threads.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import peewee as pw

from genstudio.errors import GenStudioError
from genstudio.store.migrations import migrate
from genstudio.store.tables import DB

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

PRAGMAS = {
    "journal_mode": "wal",
    # NORMAL under WAL survives application crashes (RELIABILITY.md §0.6); job-ledger
    # transactions switch to FULL for their commit.
    "synchronous": 1,
    "foreign_keys": 1,
    "busy_timeout": 5000,
}


class Database:
    """Owns the connection, the lock and the DB thread. Close it when done."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gs-db")
        # thread_safe=False: one shared connection (not one per thread); the lock serialises it.
        self.db = pw.SqliteDatabase(
            str(self.path), pragmas=PRAGMAS, thread_safe=False, check_same_thread=False
        )
        try:
            self.db.connect()
        except (pw.DatabaseError, sqlite3.Error) as exc:
            self._executor.shutdown(wait=False)
            raise GenStudioError(
                f"{self.path}: cannot open the database; not a GenStudio database or damaged "
                f"({exc})"
            ) from exc
        DB.initialize(self.db)
        try:
            self._check_pragmas()
            self.backup_path = migrate(self.db, self.path)
        except GenStudioError:
            self._abandon()
            raise
        except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
            self._abandon()
            raise GenStudioError(
                f"{self.path}: not a GenStudio database or damaged ({exc})"
            ) from exc
        except BaseException:
            self._abandon()
            raise
        if sqlite3.sqlite_version_info < (3, 51, 3) and sqlite3.sqlite_version not in (
            "3.44.6",
            "3.50.7",
        ):
            log.debug(
                "SQLite %s has the WAL-reset bug; safe here because there is one writer",
                sqlite3.sqlite_version,
            )

    def _abandon(self) -> None:
        self.db.close()
        self._executor.shutdown(wait=False)

    def _check_pragmas(self) -> None:
        mode = self.db.execute_sql("PRAGMA journal_mode").fetchone()[0]
        fks = self.db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
        if mode.lower() != "wal" or fks != 1:
            raise GenStudioError(f"{self.path}: could not enable WAL and foreign keys")

    @contextmanager
    def locked(self) -> Iterator[pw.SqliteDatabase]:
        with self._lock:
            yield self.db

    @contextmanager
    def transaction(self) -> Iterator[pw.SqliteDatabase]:
        with self._lock, self.db.atomic():
            yield self.db

    @contextmanager
    def durable_transaction(self) -> Iterator[pw.SqliteDatabase]:
        """A transaction committed with synchronous=FULL: job-ledger writes survive power loss."""
        with self._lock:
            self.db.execute_sql("PRAGMA synchronous=FULL")
            try:
                with self.db.atomic():
                    yield self.db
            finally:
                self.db.execute_sql("PRAGMA synchronous=NORMAL")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store call on the DB thread; the event loop never waits on SQLite."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def integrity_ok(self) -> bool:
        with self._lock:
            return self.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            if not self.db.is_closed():
                self.db.close()
