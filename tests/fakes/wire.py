"""Responses and the socket writer that misbehaves on purpose.

The fake server writes every response itself (no `send_response`), so a fault can cut it after
N bytes with a TCP reset, drip it at 1 byte/s, lie in Content-Length, or never answer at all.
Big bodies (50 MB JSON, a gzip bomb that inflates to 2 GiB, an endless chunked body) are
generated while they are written, never held in memory.
"""

from __future__ import annotations

import itertools
import json
import select
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

MIB = 1 << 20


@dataclass
class Response:
    status: int
    body: bytes | Iterable[bytes] = b""
    length: int | None = None  # None + iterable body -> chunked transfer encoding
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    data: Any = None  # the JSON document, when the body is JSON (mutating faults use it)
    essential: tuple[str, ...] = ()  # top-level fields a "missing_fields" fault drops
    output_key: str | None = None  # where output URLs live (a "bad_url" fault with whole=True)
    head_only: bool = False  # answer to HEAD: headers (with the real length), no body

    def body_stream(self) -> tuple[int | None, Iterator[bytes]]:
        if isinstance(self.body, bytes):
            return len(self.body), iter([self.body])
        return self.length, iter(self.body)


def json_response(
    status: int,
    data: Any,
    *,
    headers: Iterable[tuple[str, str]] = (),
    essential: tuple[str, ...] = (),
    output_key: str | None = None,
) -> Response:
    return Response(
        status=status,
        body=json.dumps(data).encode(),
        headers=list(headers),
        data=data,
        essential=essential,
        output_key=output_key,
    )


def with_json(resp: Response, data: Any) -> Response:
    """The same response carrying a different JSON document."""
    return replace(resp, body=json.dumps(data).encode(), length=None, data=data)


# -- big bodies, generated lazily --------------------------------------------------------
def huge_json_body(size: int, data: dict[str, Any] | None = None) -> tuple[int, Iterator[bytes]]:
    """A valid JSON object of exactly `size` bytes (or the minimum), carrying `data`'s fields."""
    inner = json.dumps(data)[1:-1] if data else ""
    head = ("{" + inner + (", " if inner else "") + '"padding": "').encode()
    tail = b'"}'
    pad = max(0, size - len(head) - len(tail))

    def gen() -> Iterator[bytes]:
        yield head
        left = pad
        block = b"x" * MIB
        while left > 0:
            n = min(left, MIB)
            yield block[:n]
            left -= n
        yield tail

    return len(head) + pad + len(tail), gen()


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


def _bomb_parts() -> tuple[bytes, bytes, bytes]:
    # After Z_FULL_FLUSH the compressor forgets its history and aligns to a byte, so the
    # compressed 1 MiB block is self-contained and can be repeated as often as we like.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    prefix = comp.compress(b'{"padding": "') + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b" " * MIB) + comp.flush(zlib.Z_FULL_FLUSH)
    suffix = comp.compress(b'"}') + comp.flush(zlib.Z_FINISH)
    return prefix, block, suffix


def gzip_bomb_body(inflated: int) -> tuple[int, Iterator[bytes]]:
    """A gzip stream of ~1 KB per MiB that inflates to a valid JSON object of `inflated` bytes."""
    prefix, block, suffix = _bomb_parts()
    blocks = max(1, inflated // MIB)
    length = len(_GZIP_HEADER) + len(prefix) + blocks * len(block) + len(suffix) + 8

    def gen() -> Iterator[bytes]:
        yield _GZIP_HEADER + prefix
        spaces = b" " * MIB
        crc = zlib.crc32(b'{"padding": "')
        for _ in range(blocks):
            yield block
            crc = zlib.crc32(spaces, crc)  # only computed if the client really reads it all
        crc = zlib.crc32(b'"}', crc)
        size = (13 + blocks * MIB + 2) & 0xFFFFFFFF
        yield suffix + struct.pack("<II", crc & 0xFFFFFFFF, size)

    return length, gen()


def endless_body() -> Iterator[bytes]:
    chunk = b"[" + b"0," * (32 * 1024)
    return itertools.repeat(chunk)


def chunked(body: Iterator[bytes]) -> Iterator[bytes]:
    for piece in body:
        if piece:
            yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


# -- the writer ----------------------------------------------------------------------------
def build_head(resp: Response, declared_length: int | None) -> bytes:
    try:
        reason = HTTPStatus(resp.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [
        f"HTTP/1.1 {resp.status} {reason}",
        f"Date: {formatdate(usegmt=True)}",
        "Server: genstudio-fake-providers",
        "Connection: close",
    ]
    if resp.content_type:
        lines.append(f"Content-Type: {resp.content_type}")
    lines += [f"{name}: {value}" for name, value in resp.headers]
    if declared_length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {declared_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class WirePlan:
    """How to put one response on the wire (built from a fault, or plain)."""

    delay: float = 0.0
    hold: float | None = None  # never answer; give up after this many seconds
    reset_after: int | None = None  # TCP RST after this many bytes (head included)
    drip_rate: float | None = None  # bytes per second
    drip_head: bool = False
    length_delta: int = 0  # Content-Length lie: declared = real + delta


def send(conn: socket.socket, resp: Response, plan: WirePlan, stopping: threading.Event) -> None:
    """Write `resp` to `conn` as `plan` says. Client disconnects end the write quietly."""
    if plan.delay and stopping.wait(plan.delay):
        return
    if plan.hold is not None:
        hold_open(conn, plan.hold, stopping)
        return
    length, body = resp.body_stream()
    if resp.head_only:
        body = iter(())
    declared = None if length is None else max(0, length + plan.length_delta)
    if length is None and not resp.head_only:
        body = chunked(body)
    head = build_head(resp, declared)
    try:
        sent = _write(conn, [head], plan, 0, stopping, drip=plan.drip_head)
        if plan.reset_after is None or sent < plan.reset_after:
            _write(conn, body, plan, sent, stopping, drip=True)
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
        return
    except OSError:
        return
    if plan.reset_after is not None:
        if plan.reset_after > 0:
            # Let the peer read what was sent: a RST that lands in the same instant can make
            # the kernel drop the unread bytes, and "N bytes then reset" would look like 0.
            stopping.wait(0.05)
        reset(conn)


def _write(
    conn: socket.socket,
    pieces: Iterable[bytes],
    plan: WirePlan,
    sent: int,
    stopping: threading.Event,
    *,
    drip: bool,
) -> int:
    rate = plan.drip_rate if drip else None
    step = max(1, int(rate * 0.05)) if rate else 0
    for piece in pieces:
        if stopping.is_set():
            raise ConnectionAbortedError("server stopping")
        if plan.reset_after is not None:
            piece = piece[: max(0, plan.reset_after - sent)]
        if rate:
            for i in range(0, len(piece), step):
                conn.sendall(piece[i : i + step])
                if stopping.wait(step / rate):
                    raise ConnectionAbortedError("server stopping")
        elif piece:
            conn.sendall(piece)
        sent += len(piece)
        if plan.reset_after is not None and sent >= plan.reset_after:
            break
    return sent


def reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP RST, not a clean FIN."""
    linger = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        conn.close()
    except OSError:
        pass


def hold_open(conn: socket.socket, seconds: float, stopping: threading.Event) -> None:
    """Accept, read nothing more, answer nothing, until the client gives up (or `seconds`)."""
    deadline = time.monotonic() + seconds
    while not stopping.is_set() and time.monotonic() < deadline:
        try:
            readable, _, _ = select.select([conn], [], [], 0.1)
            if readable:
                if conn.recv(1, socket.MSG_PEEK) == b"":
                    return  # the client closed its side
                stopping.wait(0.1)  # it sent more bytes: leave them unread, do not spin
        except (OSError, ValueError):
            return
