"""One pipeline run per project across processes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from genstudio.locks import ProjectBusy, ProjectLock


def test_second_run_of_the_same_project_is_refused(tmp_path) -> None:
    with ProjectLock(tmp_path), pytest.raises(ProjectBusy, match="another GenStudio"):
        ProjectLock(tmp_path).acquire()
    with ProjectLock(tmp_path):  # released: free again
        pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path) -> None:
    code = (
        "import os, sys; from pathlib import Path; from genstudio.locks import ProjectLock; "
        f"ProjectLock(Path({str(tmp_path)!r})).acquire(); os._exit(137)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 137
    with ProjectLock(tmp_path):
        pass
