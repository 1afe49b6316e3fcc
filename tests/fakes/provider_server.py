"""A real HTTP server on 127.0.0.1 that plays Runway, FAL, ElevenLabs and their CDN.

In-process (tests):   with FakeProviderServer() as fake: ... fake.base_url, fake.ledger,
                      fake.faults, fake.clock, fake.plans, fake.cdn_requests
Separate process:     python -m tests.fakes.provider_server --port N --state-dir DIR
                      (driven through /__admin/..., see admin.py and process.py)

Paths are the providers' own (PROVIDERS.md). Each provider is mounted under a prefix, which
stands in for its host: {base}/runway (api.dev.runwayml.com), {base}/fal (queue.fal.run),
{base}/fal-sync (fal.run), {base}/elevenlabs (api.elevenlabs.io). The same paths also work at
the root ({base}/v1/image_to_video, {base}/fal-ai/flux/dev, {base}/v1/text-to-speech/...)
since they do not collide. Media is served from {base}/cdn/... .
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.fakes import admin, cdn, elevenlabs, fal, runway
from tests.fakes.faults import applicable, realize
from tests.fakes.state import SENSITIVE_HEADERS, ProviderCore, Request, Settings
from tests.fakes.wire import Response, WirePlan, send

MAX_REQUEST_BODY = 64 * 1024 * 1024
PREFIXES = (
    ("/runway", "runway"),
    ("/fal-sync", "fal"),
    ("/fal", "fal"),
    ("/elevenlabs", "elevenlabs"),
)
MODULES: dict[str, Any] = {"runway": runway, "fal": fal, "elevenlabs": elevenlabs}


def route(path: str) -> tuple[str, str, str]:
    """(provider or "cdn", prefix, path below the prefix) for a request path."""
    if path.startswith("/cdn/"):
        return "cdn", "", path
    for prefix, provider in PREFIXES:
        if path.startswith(prefix + "/"):
            return provider, prefix, path[len(prefix) :]
    if elevenlabs.owns(path):
        return "elevenlabs", "", path
    if runway.owns(path):
        return "runway", "", path
    return "fal", "", path


def dispatch(
    core: ProviderCore, method: str, target: str, headers: dict[str, str], body: bytes, conn: Any
) -> None:
    path, _, raw_query = target.partition("?")
    if path.startswith("/__admin/"):
        send(conn, admin.handle(core, method, path, body), WirePlan(), core.stopping)
        return
    kind, prefix, sub = route(path)
    req = Request.build(method, sub, raw_query, headers, body, prefix)
    if kind == "cdn":
        module, provider, endpoint = cdn, cdn.provider_of(sub), "download"
    else:
        module, provider = MODULES[kind], kind
        endpoint = module.classify(method, sub)
    core.log_request(req, provider, endpoint)
    pre = core.faults.take(provider, endpoint, method, path, "pre")
    if pre is not None and pre.kind != "latency":
        resp, plan = realize(pre, None, module.error_response)
        send(conn, resp, plan, core.stopping)
        return
    if pre is not None and core.stopping.wait(pre.delay):
        return
    try:
        resp = module.handle(core, req)
    except Exception:  # a bug in the fake: answer 500 and keep the traceback for the test
        core.errors.append(traceback.format_exc())
        traceback.print_exc()
        resp = Response(500, b'{"error": "fake server bug"}')
    if method == "HEAD":
        resp = replace(resp, head_only=True)
    plan = WirePlan()
    post = core.faults.take(provider, endpoint, method, path, "post", lambda f: applicable(f, resp))
    if post is not None:
        resp, plan = realize(post, resp, module.error_response)
    send(conn, resp, plan, core.stopping)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.close_connection = True  # keep-alive off: one request per connection
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = self._read_body(headers)
        except ValueError as exc:
            resp = Response(
                413 if "large" in str(exc) else 400, str(exc).encode(), None, "text/plain"
            )
            send(self.connection, resp, WirePlan(), self.server.core.stopping)
            return
        dispatch(self.server.core, self.command, self.path, headers, body, self.connection)

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def _read_body(self, headers: dict[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                total += size
                if total > MAX_REQUEST_BODY:
                    raise ValueError("request body too large")
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(headers.get("content-length") or 0)
        if length > MAX_REQUEST_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log lives in core.request_log


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a held ("timeout") connection must not block shutdown
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], core: ProviderCore) -> None:
        self.core = core
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            self.core.errors.append(traceback.format_exc())


_SHARED_MEDIA: Path | None = None


def shared_media_dir() -> Path:
    """One media cache per test process: a 5 s clip is rendered once, not once per test."""
    global _SHARED_MEDIA
    if _SHARED_MEDIA is None:
        _SHARED_MEDIA = Path(tempfile.mkdtemp(prefix="genstudio-fake-media-"))
        atexit.register(shutil.rmtree, _SHARED_MEDIA, True)
    return _SHARED_MEDIA


class FakeProviderServer:
    """The fake providers in a background thread of this process."""

    def __init__(
        self,
        *,
        port: int = 0,
        state_dir: Path | None = None,
        media_dir: Path | None = None,
        settings: Settings | None = None,
        clock_rate: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.core = ProviderCore(
            media_dir=media_dir or shared_media_dir(),
            state_dir=state_dir,
            settings=settings,
            clock_rate=clock_rate,
        )
        self._address = (host, port)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeProviderServer:
        self._httpd = _Server(self._address, self.core)
        host, port = self._httpd.server_address[:2]
        self.core.origin = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.core.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.core.close()

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.core.origin

    @property
    def port(self) -> int:
        return int(self.core.origin.rsplit(":", 1)[1])

    def url(self, provider: str) -> str:
        """Base URL standing in for a provider host: runway, fal, fal-sync, elevenlabs."""
        return f"{self.base_url}/{provider}"

    @property
    def ledger(self) -> Any:
        return self.core.ledger

    @property
    def faults(self) -> Any:
        return self.core.faults

    @property
    def clock(self) -> Any:
        return self.core.clock

    @property
    def plans(self) -> Any:
        return self.core.plans

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def keys(self) -> dict[str, str]:
        return dict(self.core.settings.keys)

    def configure(self, **changes: Any) -> None:
        """Change Settings fields (honour_idempotency, url_ttl, media_scale, limits, keys)."""
        self.core.settings.update(**changes)

    @property
    def cdn_requests(self) -> list[dict[str, Any]]:
        return list(self.core.cdn_log)

    @property
    def requests(self) -> list[dict[str, Any]]:
        return list(self.core.request_log)

    @property
    def errors(self) -> list[str]:
        return list(self.core.errors)

    def tasks(self) -> list[dict[str, Any]]:
        with self.core.lock:
            return [t.to_json() for t in self.core.tasks.values()]

    def auth_leaks(self) -> list[dict[str, Any]]:
        """CDN requests that carried an API key or other credential header."""
        return [r for r in self.cdn_requests if SENSITIVE_HEADERS & set(r["headers"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="GenStudio fake provider server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--media-dir", type=Path)
    parser.add_argument("--clock-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    server = FakeProviderServer(
        port=args.port,
        host=args.host,
        state_dir=args.state_dir,
        media_dir=args.media_dir or args.state_dir / "media",
        clock_rate=args.clock_rate,
    ).start()
    info = {"pid": os.getpid(), "port": server.port, "base_url": server.base_url}
    tmp = args.state_dir / f".server.json.{os.getpid()}"
    tmp.write_text(json.dumps(info), encoding="utf-8")
    os.replace(tmp, args.state_dir / "server.json")  # the parent polls for this file
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(0.2):
        pass
    server.stop()  # flushes the state
    return 0


if __name__ == "__main__":
    sys.exit(main())
