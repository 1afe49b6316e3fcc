"""Peewee tables. Queryable fields are columns; the rest of each model is validated JSON.

Keeping nested structure (beats, dialogue, camera, provenance) as pydantic-validated JSON lets the
domain model grow without a migration for every field, while the columns the app filters and
orders on (project, position, approval, state) stay real, indexed columns.
"""

from __future__ import annotations

import peewee as pw

DB = pw.DatabaseProxy()


class BaseTable(pw.Model):
    class Meta:
        database = DB
        legacy_table_names = False


class ProjectRow(BaseTable):
    id = pw.CharField(primary_key=True)
    title = pw.CharField()
    folder = pw.CharField(unique=True)
    status = pw.CharField(index=True)
    data = pw.TextField()
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()


class SceneRow(BaseTable):
    id = pw.CharField(primary_key=True)
    project = pw.ForeignKeyField(ProjectRow, backref="scenes", on_delete="CASCADE")
    position = pw.IntegerField()
    approval = pw.CharField()
    locked = pw.BooleanField(default=False)
    status = pw.CharField()
    data = pw.TextField()

    class Meta:
        indexes = ((("project", "position"), False),)


class TakeRow(BaseTable):
    id = pw.CharField(primary_key=True)
    scene = pw.ForeignKeyField(SceneRow, backref="takes", on_delete="CASCADE")
    created_at = pw.DateTimeField()
    data = pw.TextField()


class StepRow(BaseTable):
    project = pw.ForeignKeyField(ProjectRow, backref="steps", on_delete="CASCADE")
    step = pw.CharField()
    status = pw.CharField()
    percent = pw.FloatField(default=0.0)
    data = pw.TextField()

    class Meta:
        indexes = ((("project", "step"), True),)


class LocationImageRow(BaseTable):
    slug = pw.CharField()
    time_of_day = pw.CharField(default="")
    weather = pw.CharField(default="")
    path = pw.CharField()
    prompt = pw.TextField(default="")
    usage_count = pw.IntegerField(default=0)
    created_at = pw.DateTimeField()

    class Meta:
        indexes = ((("slug", "time_of_day", "weather"), True),)


class JobRow(BaseTable):
    id = pw.CharField(primary_key=True)
    project = pw.ForeignKeyField(ProjectRow, backref="jobs", on_delete="CASCADE")
    scene_id = pw.CharField(null=True, index=True)
    key = pw.CharField(default="", index=True)
    kind = pw.CharField()
    provider = pw.CharField(index=True)
    lane = pw.CharField(default="")
    priority = pw.IntegerField(default=2)
    state = pw.CharField(index=True)
    client_request_id = pw.CharField(unique=True)
    remote_task_id = pw.CharField(default="")
    data = pw.TextField()
    updated_at = pw.DateTimeField()


class ReconcileRow(BaseTable):
    """Remote tasks we know exist but could not record on their job (RELIABILITY.md T3)."""

    job_id = pw.CharField(index=True)
    provider = pw.CharField()
    remote_task_id = pw.CharField()
    error = pw.TextField(default="")
    created_at = pw.DateTimeField()


class ProviderConfigRow(BaseTable):
    role = pw.CharField()
    name = pw.CharField()
    data = pw.TextField()

    class Meta:
        indexes = ((("role",), True),)


ALL_TABLES: tuple[type[BaseTable], ...] = (
    ProjectRow,
    SceneRow,
    TakeRow,
    StepRow,
    LocationImageRow,
    JobRow,
    ReconcileRow,
    ProviderConfigRow,
)
