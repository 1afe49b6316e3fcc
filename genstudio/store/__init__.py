"""Persistence: peewee on SQLite (WAL, foreign keys, one writer, versioned schema)."""

from genstudio.store.db import Database
from genstudio.store.migrations import schema_version
from genstudio.store.repository import Store

__all__ = ["Database", "Store", "schema_version"]
