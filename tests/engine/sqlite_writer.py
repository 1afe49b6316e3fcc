"""Child process for the SQLite durability test (T8): commits scene edits as fast as it can
and prints each acknowledged counter after its commit returns. The parent kills it at random."""

from __future__ import annotations

import sys
from pathlib import Path

from genstudio.store import Store


def main() -> None:
    db, project_id, scene_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    store = Store(db)
    scene = store.get_scene(scene_id)
    counter = int(scene.approval_note or 0)
    while True:
        counter += 1
        scene.approval_note = str(counter)
        scene.beats = [f"edit {counter}"]
        store.save_scene(project_id, scene)
        print(counter, flush=True)  # acknowledged: the commit has returned


if __name__ == "__main__":
    main()
