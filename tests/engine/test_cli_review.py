"""`genstudio pdf`, `genstudio review export` and `genstudio review import` end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile

import pytest

from genstudio.cli import main
from genstudio.models import Approval
from tests.engine.review_project import make_project


@pytest.fixture
def project(store, workspace):
    return make_project(store, workspace, scenes=2)


def test_pdf_default_and_explicit_paths(store, workspace, project, tmp_path, capsys) -> None:
    ws = str(workspace.root)
    assert main(["--workspace", ws, "pdf", project.id[:8]]) == 0
    default = workspace.project_dir(project.folder) / "exports" / "storyboard.pdf"
    assert default.read_bytes().startswith(b"%PDF-")
    assert f"Storyboard: {default}" in capsys.readouterr().out
    assert main(["--workspace", ws, "pdf", project.title, "--out", str(tmp_path)]) == 0
    assert (tmp_path / "storyboard.pdf").is_file()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "storyboard.pdf"), "-"], capture_output=True, text=True
        ).stdout
        assert "INT. AZOTEA - NOCHE" in text


def test_export_then_import_a_review(store, workspace, project, tmp_path, capsys) -> None:
    ws = str(workspace.root)
    out = tmp_path / "para-ana.zip"
    assert main(["--workspace", ws, "review", "export", project.id, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Review bundle: {out} (2 scenes, animatic 1.5 s" in printed
    assert "[review bundle] 100%" in printed
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("para-ana/scenes.json"))
    review = {
        "format": "genstudio-review",
        "version": 1,
        "project_id": project.id,
        "reviewer": "Ana",
        "scenes": [
            {
                "id": data["scenes"][0]["id"],
                "content_hash": data["scenes"][0]["content_hash"],
                "decision": "approved",
            },
            {
                "id": data["scenes"][1]["id"],
                "content_hash": data["scenes"][1]["content_hash"],
                "decision": "changes_requested",
                "timed_notes": [{"time": 1.2, "text": "más cálido"}],
            },
        ],
    }
    saved = tmp_path / "review.json"
    saved.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    assert main(["--workspace", ws, "review", "import", project.id, str(saved)]) == 0
    printed = capsys.readouterr().out
    assert "Review by Ana" in printed and "approved and locked: 1" in printed
    first, second = store.list_scenes(project.id)
    assert first.locked and first.approval is Approval.APPROVED
    assert second.approval_note == "[00:01.2] más cálido"


def test_errors_exit_2_with_the_reason(workspace, project, tmp_path, capsys) -> None:
    ws = str(workspace.root)
    bad = tmp_path / "review.json"
    bad.write_text('{"format": "genstudio-review", "version": 1}', encoding="utf-8")
    assert main(["--workspace", ws, "review", "import", project.id, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "review.json: project_id: Field required" in err and "scenes: Field required" in err
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    assert main(["--workspace", ws, "review", "export", project.id, "--out", str(busy)]) == 2
    assert "not a review bundle" in capsys.readouterr().err
    assert main(["--workspace", ws, "pdf", "no-such-project"]) == 2
    assert "no project matches" in capsys.readouterr().err
