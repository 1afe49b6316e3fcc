"""Drive a fake provider server running as a separate process (it outlives a killed app).

    with ProviderServerProcess(tmp_path / "fake") as fake:
        fake.faults.add("drop_after_accept", provider="runway", endpoint="submit")
        ... run the app against fake.base_url, kill -9 it, restart it ...
        assert fake.ledger.creates_per_key() == {...}
        fake.restart()  # same port, same state dir: ledger, tasks and clock survive

The proxies mirror the in-process objects' methods (ledger, faults, clock, plans), so a test
helper can take either kind of server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.fakes.clients import _http_only_tls
from tests.fakes.ledger import Ledger
from tests.fakes.state import SENSITIVE_HEADERS

REPO_ROOT = Path(__file__).resolve().parents[2]


class _Admin:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, data: Any = None) -> Any:
        # json.dumps (not httpx's json=) so plans can carry Infinity for "never ends"
        content = json.dumps(data).encode() if data is not None else None
        resp = httpx.request(
            method,
            f"{self.base_url}/__admin/{path}",
            content=content,
            headers={"Content-Type": "application/json"},
            timeout=10,
            verify=_http_only_tls(),
        )
        if resp.status_code >= 400:
            raise RuntimeError(f"admin {method} {path}: {resp.status_code} {resp.text}")
        return json.loads(resp.content)


class RemoteLedger:
    """The ledger as the server holds it now (every call fetches a fresh snapshot)."""

    def __init__(self, admin: _Admin) -> None:
        self._admin = admin

    def snapshot(self) -> Ledger:
        ledger = Ledger()
        ledger.load_json(self._admin.call("GET", "ledger"))
        return ledger

    def __getattr__(self, name: str) -> Any:
        return getattr(self.snapshot(), name)


class RemoteFaults:
    def __init__(self, admin: _Admin) -> None:
        self._admin = admin

    def add(self, kind: str, **params: Any) -> int:
        return int(self._admin.call("POST", "faults", {"kind": kind, **params})["id"])

    def remove(self, fault_id: int) -> None:
        self._admin.call("DELETE", f"faults/{fault_id}")

    def clear(self) -> None:
        self._admin.call("DELETE", "faults")

    def active(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "faults")

    def fired(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "faults/fired")


class RemoteClock:
    def __init__(self, admin: _Admin) -> None:
        self._admin = admin

    def now(self) -> float:
        return float(self._admin.call("GET", "clock")["now"])

    def advance(self, seconds: float) -> float:
        return float(self._admin.call("POST", "clock", {"advance": seconds})["now"])

    def set(self, t: float) -> float:
        return float(self._admin.call("POST", "clock", {"set": t})["now"])

    def set_rate(self, rate: float) -> None:
        self._admin.call("POST", "clock", {"rate": rate})


class RemotePlans:
    def __init__(self, admin: _Admin) -> None:
        self._admin = admin

    def set_default(self, provider: str = "any", **plan: Any) -> None:
        self._admin.call("POST", "plans", {"provider": provider, "mode": "default", "plan": plan})

    def push(self, provider: str = "any", **plan: Any) -> None:
        self._admin.call("POST", "plans", {"provider": provider, "mode": "next", "plan": plan})


class ProviderServerProcess:
    def __init__(
        self,
        state_dir: Path,
        *,
        port: int = 0,
        clock_rate: float = 0.0,
        media_dir: Path | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.port = port
        self.clock_rate = clock_rate
        self.media_dir = media_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self, timeout: float = 20.0) -> ProviderServerProcess:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        info_file = self.state_dir / "server.json"
        info_file.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "tests.fakes.provider_server",
            "--port",
            str(self.port),
            "--state-dir",
            str(self.state_dir),
            "--clock-rate",
            str(self.clock_rate),
        ]
        if self.media_dir is not None:
            cmd += ["--media-dir", str(self.media_dir)]
        log = (self.state_dir / "server.log").open("ab")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
            ).rstrip(os.pathsep),
        }
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=env
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"fake server exited with {self.proc.returncode}; see "
                    f"{self.state_dir / 'server.log'}"
                )
            with contextlib.suppress(FileNotFoundError, ValueError):
                info = json.loads(info_file.read_text("utf-8"))
                if info["pid"] == self.proc.pid:
                    self.port, self.base_url = int(info["port"]), info["base_url"]
                    return self
            time.sleep(0.02)
        self.kill()
        raise TimeoutError(f"fake server did not start within {timeout} s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """kill -9: no chance to flush; the state written so far must be enough."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if sys.platform == "win32":
                self.proc.terminate()
            else:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, *, kill: bool = False) -> ProviderServerProcess:
        """Stop (or kill -9) and start again on the same port with the same state."""
        (self.kill if kill else self.stop)()
        return self.start()

    def __enter__(self) -> ProviderServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- same surface as FakeProviderServer ----------------------------------------------
    @property
    def _admin(self) -> _Admin:
        return _Admin(self.base_url)

    def url(self, provider: str) -> str:
        return f"{self.base_url}/{provider}"

    @property
    def ledger(self) -> RemoteLedger:
        return RemoteLedger(self._admin)

    @property
    def faults(self) -> RemoteFaults:
        return RemoteFaults(self._admin)

    @property
    def clock(self) -> RemoteClock:
        return RemoteClock(self._admin)

    @property
    def plans(self) -> RemotePlans:
        return RemotePlans(self._admin)

    @property
    def keys(self) -> dict[str, str]:
        return dict(self._admin.call("GET", "settings")["keys"])

    def configure(self, **changes: Any) -> None:
        self._admin.call("POST", "settings", changes)

    @property
    def cdn_requests(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "cdn_requests")

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "requests")

    @property
    def errors(self) -> list[str]:
        return self._admin.call("GET", "errors")

    def tasks(self) -> list[dict[str, Any]]:
        return self._admin.call("GET", "tasks")

    def auth_leaks(self) -> list[dict[str, Any]]:
        """CDN requests that carried an API key or other credential header."""
        return [r for r in self.cdn_requests if SENSITIVE_HEADERS & set(r["headers"])]
