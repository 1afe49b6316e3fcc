"""Importing a reviewer's review.json: clear errors naming the field, scenes matched by id,
warnings for scenes that changed since the export, locks, notes, .zip input."""

from __future__ import annotations

import json
import zipfile

import pytest

from genstudio.errors import InputFileError
from genstudio.export.cards import collect_cards
from genstudio.export.review_import import (
    ReviewError,
    apply_review,
    import_review_file,
    load_review_file,
)
from genstudio.models import Approval, Take
from tests.engine.review_project import make_project


def review_for(store, workspace, project, decisions: dict[int, dict]) -> dict:
    """A review as the page saves it, for the project as it is now."""
    cards = collect_cards(store, workspace, store.get_project(project.id))
    return {
        "format": "genstudio-review",
        "version": 1,
        "project_id": project.id,
        "project_title": project.title,
        "export_id": "e1",
        "reviewer": "Ana",
        "saved_at": "2026-05-01T10:00:00.000Z",
        "scenes": [
            {
                "id": card.scene.id,
                "number": card.scene.number,
                "content_hash": card.content_hash,
                "decision": "none",
                "note": "",
                "timed_notes": [],
                **decisions.get(card.scene.number, {}),
            }
            for card in cards
        ],
    }


@pytest.fixture
def project(store, workspace):
    return make_project(store, workspace, scenes=3, clips=False)


def test_decisions_notes_and_locks(store, workspace, project) -> None:
    scenes = store.list_scenes(project.id)
    scenes[1].locked = True  # locked earlier; the reviewer now wants changes
    store.save_scene(project.id, scenes[1])
    review = review_for(
        store,
        workspace,
        project,
        {
            1: {"decision": "approved", "note": "Perfecta."},
            2: {
                "decision": "changes_requested",
                "note": "Más lenta.",
                "timed_notes": [
                    {"time": 75.25, "text": "el faro parpadea"},
                    {"time": 12.5, "text": "too dark"},
                ],
            },
        },
    )
    report = apply_review(store, project.id, review)
    first, second, third = store.list_scenes(project.id)
    assert (first.approval, first.locked, first.approval_note) == (
        Approval.APPROVED,
        True,
        "Perfecta.",
    )
    assert (second.approval, second.locked) == (Approval.CHANGES_REQUESTED, False)
    assert second.approval_note == "Más lenta.\n[00:12.5] too dark\n[01:15.2] el faro parpadea"
    assert (third.approval, third.locked, third.approval_note) == (Approval.DRAFT, False, "")
    assert report.unlocked == [2]
    assert report.summary()[0] == "Review by Ana (saved 2026-05-01T10:00:00.000Z)"
    assert "  approved and locked: 1" in report.summary()
    # the same review again changes nothing more
    apply_review(store, project.id, review)
    assert store.list_scenes(project.id) == [first, second, third]


def test_changed_and_deleted_scenes_are_reported_and_the_rest_applied(
    store, workspace, project
) -> None:
    review = review_for(
        store,
        workspace,
        project,
        {n: {"decision": "approved"} for n in (1, 2, 3)},
    )
    scenes = store.list_scenes(project.id)
    scenes[0].beats = ["Una acción nueva."]  # text edited after the export
    store.save_scene(project.id, scenes[0])
    new_take = store.save_take(Take(scene_id=scenes[1].id))  # regenerated after the export
    scenes[1].selected_take_id = new_take.id
    store.save_scene(project.id, scenes[1])
    store.replace_scenes(project.id, scenes[:2])  # scene 3 deleted
    report = apply_review(store, project.id, review)
    assert report.approved == [1, 2] and report.changed_since_export == [1, 2]
    assert any("scene 1 changed after it was exported" in w for w in report.warnings)
    assert any("scene 3" in w and "no longer in the project" in w for w in report.warnings)
    assert all(s.approval is Approval.APPROVED for s in store.list_scenes(project.id))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["scenes"][1].update(decision="ok"), r"scenes\[1\]\.decision: .*'ok'"),
        (
            lambda r: r["scenes"][0].update(timed_notes=[{"time": -1, "text": "x"}]),
            r"scenes\[0\]\.timed_notes\[0\]\.time: .*greater than or equal to 0",
        ),
        (
            lambda r: r["scenes"][0].update(timed_notes=[{"time": "12.5", "text": "x"}]),
            r"scenes\[0\]\.timed_notes\[0\]\.time",
        ),
        (
            lambda r: r["scenes"][0].update(timed_notes=[{"time": 1, "text": "  "}]),
            r"scenes\[0\]\.timed_notes\[0\]\.text",
        ),
        (lambda r: r["scenes"][2].pop("id"), r"scenes\[2\]\.id: Field required"),
        (lambda r: r.update(scenes="all good"), r"scenes: "),
        (lambda r: r.update(format="something-else"), r"format: expected 'genstudio-review'"),
        (lambda r: r.update(version=7), r"version: .*newer GenStudio"),
        (lambda r: r["scenes"].append(dict(r["scenes"][0])), r"scenes\[3\]\.id: .*twice"),
        (lambda r: r.update(project_id="0" * 32), r"project_id: this review is for"),
    ],
)
def test_bad_reviews_name_the_field(store, workspace, project, mutate, message) -> None:
    review = review_for(store, workspace, project, {1: {"decision": "approved"}})
    mutate(review)
    before = store.list_scenes(project.id)
    with pytest.raises(ReviewError, match=message):
        apply_review(store, project.id, review, source="mine.json")
    assert store.list_scenes(project.id) == before  # nothing half-applied


def test_files_json_zip_and_broken(store, workspace, project, tmp_path) -> None:
    review = review_for(store, workspace, project, {3: {"decision": "approved"}})
    plain = tmp_path / "review.json"
    plain.write_text(json.dumps(review), encoding="utf-8")
    assert load_review_file(plain).scenes[2].decision == "approved"
    # a zip sent back with two saves in it: the newer one counts
    older = dict(review, saved_at="2026-04-01T10:00:00.000Z")
    older["scenes"] = [dict(s, decision="changes_requested") for s in review["scenes"]]
    packed = tmp_path / "back.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("noche-review/scenes.json", "{}")
        archive.writestr("noche-review/review (1).json", json.dumps(older))
        archive.writestr("noche-review/review.json", json.dumps(review))
    report = import_review_file(store, project.id, packed)
    assert report.approved == [3] and report.changes_requested == []

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "genstudio-review",', encoding="utf-8")
    with pytest.raises(ReviewError, match=r"broken.json: not valid JSON \(line 1"):
        load_review_file(broken)
    with pytest.raises(InputFileError, match="does not exist"):
        load_review_file(tmp_path / "nowhere.json")
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("notes.txt", "hola")
    with pytest.raises(InputFileError, match=r"holds no review\.json"):
        load_review_file(empty_zip)
