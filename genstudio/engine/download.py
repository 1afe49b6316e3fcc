"""Safe downloads of provider outputs (RELIABILITY.md §7.9, T11, T12).

- A separate client with no auth headers and no base URL: a key can never reach a CDN, and the
  string "undefined" can never resolve against the API host.
- URL validation: scheme allow-list, no credentials, no `null`/`undefined`/empty, host resolved
  and rejected when loopback/private/link-local/reserved; every redirect hop re-checked.
- Caps on encoded and decoded bytes; an overall deadline so a slow drip cannot hang a job.
- The body goes to a `.part` file; the caller validates the media and renames it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from genstudio.engine.crashpoints import crash_point
from genstudio.errors import ProviderError

BAD_LITERALS = {"", "null", "none", "undefined", "nan", "false", "true", "[object object]"}
MAX_REDIRECTS = 5


class UnsafeURL(ProviderError):
    """The URL must not be fetched (scheme, host or form)."""


class DownloadFailed(ProviderError):
    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        self.status = status
        self.retryable = retryable
        super().__init__(message)


@dataclass(frozen=True)
class DownloadPolicy:
    allow_http: bool = False
    allow_private_hosts: bool = False
    # Hosts of providers the user configured on a private address (Ollama, a LAN render box):
    # their own outputs may be fetched over http from there; nothing else private ever is.
    trusted_local_hosts: frozenset[str] = frozenset()
    max_bytes: int = 2 * 1024**3
    deadline_seconds: float = 600.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0


def redact_url(url: str) -> str:
    """Signed CDN URLs carry credentials in the query: logs and errors never show it."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url[:80]
    return f"{parts.scheme}://{parts.hostname or ''}{parts.path}" + ("?…" if parts.query else "")


def _check_ip(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: DownloadPolicy, url: str
) -> None:
    if policy.allow_private_hosts or (urlsplit(url).hostname or "") in policy.trusted_local_hosts:
        return
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    ):
        raise UnsafeURL(f"refusing to download from a private or local address: {redact_url(url)}")


def check_url_form(url: object, policy: DownloadPolicy) -> str:
    """Validate everything that can be checked without the network."""
    if not isinstance(url, str) or url.strip().lower() in BAD_LITERALS:
        raise UnsafeURL(f"the provider returned no usable output URL ({str(url)[:40]!r})")
    url = url.strip()
    parts = urlsplit(url)
    trusted = (parts.hostname or "") in policy.trusted_local_hosts
    allowed = {"https", "http"} if policy.allow_http or trusted else {"https"}
    if parts.scheme.lower() not in allowed:
        raise UnsafeURL(f"refusing {parts.scheme or 'scheme-less'} URL: {redact_url(url)}")
    if not parts.hostname:
        raise UnsafeURL(f"URL has no host: {redact_url(url)}")
    if parts.username or parts.password:
        raise UnsafeURL(f"URL carries credentials: {redact_url(url)}")
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        ip = None
    if ip is not None:
        _check_ip(ip, policy, url)
    return url


async def check_url(url: object, policy: DownloadPolicy) -> str:
    """Form check plus DNS: every address the host resolves to must be public."""
    checked = check_url_form(url, policy)
    host = urlsplit(checked).hostname or ""
    port = urlsplit(checked).port or 443
    try:
        ipaddress.ip_address(host)
        return checked
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise DownloadFailed(f"cannot resolve {host}: {exc}", retryable=True) from exc
    for info in infos:
        _check_ip(ipaddress.ip_address(info[4][0]), policy, checked)
    return checked


class Downloader:
    """Owns one header-less httpx client; close it with `aclose()`."""

    def __init__(
        self,
        policy: DownloadPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.policy = policy or DownloadPolicy()
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            headers={"User-Agent": "GenStudio"},
            transport=transport,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def download(self, url: str, part_path: Path, *, max_bytes: int | None = None) -> int:
        """Fetch `url` into `part_path`; returns the byte count. Raises `UnsafeURL` or
        `DownloadFailed` (with `status` for HTTP errors)."""
        cap = min(max_bytes or self.policy.max_bytes, self.policy.max_bytes)
        try:
            async with asyncio.timeout(self.policy.deadline_seconds):
                return await self._download(url, part_path, cap)
        except TimeoutError as exc:
            part_path.unlink(missing_ok=True)
            raise DownloadFailed(
                f"download did not finish within {self.policy.deadline_seconds:.0f} s: "
                f"{redact_url(url)}",
                retryable=True,
            ) from exc
        except BaseException:
            part_path.unlink(missing_ok=True)
            raise

    async def _download(self, url: str, part_path: Path, cap: int) -> int:
        current = await check_url(url, self.policy)
        for _hop in range(MAX_REDIRECTS + 1):
            async with self._client.stream("GET", current) as response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    current = await check_url(urljoin(current, location), self.policy)
                    continue
                if response.status_code != 200:
                    raise DownloadFailed(
                        f"HTTP {response.status_code} downloading {redact_url(current)}",
                        status=response.status_code,
                        retryable=response.status_code in (408, 429) or response.status_code >= 500,
                    )
                declared = response.headers.get("content-length")
                declared_n = int(declared) if declared and declared.isdigit() else None
                encoded = response.headers.get("content-encoding", "identity").lower()
                if declared_n is not None and declared_n > cap and encoded == "identity":
                    raise DownloadFailed(f"file is {declared_n} bytes, over the {cap}-byte cap")
                return await self._write_body(response, part_path, cap, declared_n, encoded)
        raise DownloadFailed(f"more than {MAX_REDIRECTS} redirects: {redact_url(url)}")

    async def _write_body(
        self,
        response: httpx.Response,
        part_path: Path,
        cap: int,
        declared: int | None,
        encoding: str,
    ) -> int:
        part_path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        first = True
        with open(part_path, "wb") as fh:
            try:
                async for chunk in response.aiter_bytes(1 << 16):  # decoded bytes: caps bombs
                    written += len(chunk)
                    if written > cap:
                        raise DownloadFailed(f"download exceeded the {cap}-byte cap")
                    fh.write(chunk)
                    if first:
                        first = False
                        fh.flush()
                        crash_point("download_mid_body")
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                raise DownloadFailed(
                    f"connection broke after {written} bytes: {exc}", retryable=True
                ) from exc
            fh.flush()
        if declared is not None and encoding == "identity" and written != declared:
            raise DownloadFailed(
                f"truncated download: {written} of {declared} bytes", retryable=True
            )
        if written == 0:
            raise DownloadFailed("the server sent an empty file", retryable=True)
        return written
