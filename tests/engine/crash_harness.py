"""Kill -9 harness: the real `genstudio generate` in a child process against the fake
provider server running in its own process (it keeps its ledger across our kills)."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from genstudio.models import ProviderConfig, Role
from genstudio.projects import new_project_from_fountain
from genstudio.store import Store
from genstudio.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
KEYRING_BACKEND = "tests.memory_keyring.FileKeyringForTests"


def screenplay(scenes: int) -> str:
    """`scenes` short scenes, a line of dialogue in each, every third one CONTINUOUS."""
    places = ["KITCHEN", "HALLWAY", "ROOFTOP", "GARAGE", "LIBRARY"]
    parts = ["Title: Crash Test\n"]
    for i in range(scenes):
        place = places[i % len(places)]
        time_of_day = "CONTINUOUS" if i % 3 == 2 else ("NIGHT" if i % 2 else "DAY")
        speaker = "ANA" if i % 2 else "BRUNO"
        parts.append(f"INT. {place} - {time_of_day}\n\nA beat.\n\n{speaker}\nLine {i + 1}.\n")
    return "\n".join(parts)


@dataclass
class Chaos:
    root: Path
    workspace: Path
    project_id: str
    env: dict[str, str]

    @property
    def db(self) -> Path:
        return self.workspace / "genstudio.db"

    def start(self, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "genstudio.cli", "--workspace", str(self.workspace), *args]
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def generate(self, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        return self.start("generate", self.project_id, extra_env=extra_env)

    def run_to_end(self, timeout: float = 600, extra_env: dict[str, str] | None = None):
        proc = self.generate(extra_env)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err

    def integrity_ok(self) -> bool:
        with sqlite3.connect(self.db) as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def store(self) -> Store:
        return Store(self.db)


def setup_chaos(tmp_path: Path, fake, scenes: int, aspect: str = "square") -> Chaos:
    from genstudio.models import Aspect
    from genstudio.pipeline.runner import approve_plan

    keyring_file = tmp_path / "keyring.json"
    env = {
        **os.environ,
        "GENSTUDIO_TIME_SKIP": "1",
        "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
        "GENSTUDIO_TEST_KEYRING": str(keyring_file),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("GENSTUDIO_CRASH_AT", None)
    os.environ["GENSTUDIO_TEST_KEYRING"] = str(keyring_file)
    ws = Workspace.open(tmp_path / "ws")
    script = tmp_path / "crash.fountain"
    script.write_text(screenplay(scenes), encoding="utf-8")
    store = Store(ws.db_path)
    try:
        project = new_project_from_fountain(store, ws, script, aspect=Aspect(aspect))
        base = fake.base_url
        store.save_provider_config(
            ProviderConfig(
                role=Role.IMAGE, name="fal", model="fal-ai/flux/dev", base_url=f"{base}/fal"
            )
        )
        store.save_provider_config(
            ProviderConfig(
                role=Role.VIDEO, name="runway", model="gen4_turbo", base_url=f"{base}/runway"
            )
        )
        store.save_provider_config(
            ProviderConfig(role=Role.AUDIO, name="elevenlabs", base_url=f"{base}/elevenlabs")
        )
    finally:
        store.close()
    keys = {
        "runway": "key_" + "0123456789abcdef" * 8,
        "fal": "fake-key-id:fake-key-secret",
        "elevenlabs": "sk_fake_elevenlabs_key_0001",
    }
    keyring_file.write_text(json.dumps({f"io.genstudio.GenStudio/{k}": v for k, v in keys.items()}))
    chaos = Chaos(tmp_path, ws.root, project.id, env)
    proc = chaos.start("plan", project.id)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    store = Store(ws.db_path)
    try:
        approve_plan(store, project.id)
    finally:
        store.close()
    return chaos


def kill_at_random(proc: subprocess.Popen, rng: random.Random, low: float, high: float) -> bool:
    """SIGKILL after a random delay; False if the process had already finished."""
    deadline = time.monotonic() + rng.uniform(low, high)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            proc.communicate()
            return False
        time.sleep(0.02)
    proc.kill()
    proc.communicate()
    return True
