"""The fake CDN: serves the generated media behind signed, expiring URLs.

URLs look like {origin}/cdn/{provider}-{task_id}-{index}.{ext}?exp=<clock s>&sig=<hmac>.
A wrong signature or an `exp` in the fake clock's past gets 403 (S3/CloudFront-style XML);
a fresh poll of the task signs a new URL. Every request's headers are recorded by the
dispatcher, so a test can prove that no API key ever reached the CDN. HEAD and single
byte ranges are supported (resumable downloads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tests.fakes.state import ProviderCore, Request
from tests.fakes.wire import Response

NAME = re.compile(r"^(runway|fal)-([0-9a-f-]{36})-(\d+)\.(mp4|png|jpg)$")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
XML_ERRORS = {
    403: "AccessDenied",
    404: "NoSuchKey",
    416: "InvalidRange",
    500: "InternalError",
    503: "SlowDown",
}


def provider_of(path: str) -> str:
    match = NAME.match(path.removeprefix("/cdn/"))
    return match.group(1) if match else "any"


def error_response(status: int, message: str | None = None) -> Response:
    code = XML_ERRORS.get(status, "Error")
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message or code}</Message></Error>"
    ).encode()
    return Response(status, body, content_type="application/xml")


def handle(core: ProviderCore, req: Request) -> Response:
    if req.method not in ("GET", "HEAD"):
        return error_response(405, "Method not allowed")
    name = req.path.removeprefix("/cdn/")
    match = NAME.match(name)
    task = core.tasks.get(match.group(2)) if match else None
    if match is None or task is None or int(match.group(3)) >= len(task.media):
        return error_response(404, "The specified key does not exist.")
    try:
        expires = int(req.query.get("exp", ""))
    except ValueError:
        return error_response(403, "Missing or malformed signature")
    if req.query.get("sig") != core.sign(name, expires):
        return error_response(403, "Invalid signature")
    if expires and core.clock.now() > expires:
        return error_response(403, "Request has expired")
    spec = task.media[int(match.group(3))]
    path = core.media.file(spec)
    size = path.stat().st_size
    headers = [
        ("Accept-Ranges", "bytes"),
        ("Cache-Control", "private, max-age=86400"),
        ("ETag", f'"{spec.kind}-{spec.width}x{spec.height}-{size}"'),
    ]
    start, end, status = 0, size - 1, 200
    wanted = req.header("range")
    if wanted:
        parsed = RANGE.match(wanted.strip())
        if parsed is None or parsed.groups() == ("", ""):
            return error_response(416, "Malformed Range")
        first, last = parsed.groups()
        if first == "":  # suffix range: the last N bytes
            start = max(0, size - int(last))
        else:
            start, end = int(first), min(size - 1, int(last)) if last else size - 1
        if start >= size or start > end:
            resp = error_response(416, "Range not satisfiable")
            resp.headers.append(("Content-Range", f"bytes */{size}"))
            return resp
        status = 206
        headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
    length = end - start + 1
    return Response(
        status,
        _read(path, start, length),
        length,
        spec.content_type,
        headers,
        head_only=req.method == "HEAD",
    )


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        fh.seek(start)
        while length > 0:
            block = fh.read(min(length, 64 * 1024))
            if not block:
                return
            length -= len(block)
            yield block
