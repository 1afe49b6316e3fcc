"""The one authenticated HTTP client every provider uses, and how its failures are reported.

- No retries here (`AsyncHTTPTransport(retries=0)`, the SDKs' `max_retries=0`): the job engine
  decides what may be retried (RELIABILITY.md §3.4), so a paid create is never sent twice by us.
- No redirects: a redirect would carry our key headers to wherever it points.
- Every body is read with a cap (JSON ≤ 5 MB decoded, T12) and an overall deadline per call
  (httpx timeouts are per read; a slow drip never trips them).
- A failed call raises `ApiCallFailed` (a `CallFailed`): the engine's `Failure` (status,
  exception, Retry-After) plus a clear message built from the provider's error body,
  redacted (registered keys, auth headers, URL queries, data URIs) and at most 500 characters.
- A request refused before anything is sent raises `InvalidRequest`: to the engine it is the
  400 the provider would have answered, so the job fails without a paid call.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from genstudio.concurrency import run_blocking
from genstudio.engine.crashpoints import crash_point
from genstudio.engine.remote import CallFailed
from genstudio.engine.retry import Failure, parse_retry_after
from genstudio.secrets import redact, register_secret

log = logging.getLogger("genstudio.providers")

JSON_BODY_CAP = 5 * 1024 * 1024
ERROR_BODY_CAP = 64 * 1024  # enough for any error message; the rest is never read
MESSAGE_CAP = 500
DEFAULT_DEADLINE = 180.0  # seconds for one whole call, body included
_DATA_URI = re.compile(r"data:[\w.+/-]*;base64,[A-Za-z0-9+/=\s]{8,}")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HINTS = {
    401: "check the API key in Settings",
    402: "the account is out of credits",
    403: "the key is not allowed to do this",
    429: "rate limited",
}


def clean_message(text: str, limit: int = MESSAGE_CAP) -> str:
    """Redacted, single-spaced, at most `limit` characters: safe for the UI, logs and the DB."""
    text = redact(_DATA_URI.sub("data:…", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ApiCallFailed(CallFailed):
    """An HTTP call failed. `code` is the provider's error code when it sent one;
    `should_retry` mirrors an `x-should-retry` header (None when absent)."""

    def __init__(
        self,
        failure: Failure,
        message: str,
        *,
        code: str = "",
        should_retry: bool | None = None,
    ) -> None:
        self.code = code
        self.should_retry = should_retry
        super().__init__(failure, clean_message(message))


class InvalidRequest(ApiCallFailed):
    """The request cannot be sent as it is (refused locally: nothing was sent or billed)."""

    def __init__(self, message: str) -> None:
        super().__init__(Failure(status=400), message, code="invalid_request")


def malformed(message: str, status: int = 200) -> ApiCallFailed:
    """A 2xx answer we cannot use (not JSON, missing fields, too large)."""
    return ApiCallFailed(Failure(status=status, malformed=True), message, code="provider_malformed")


# -- error bodies ---------------------------------------------------------------------------


def _issues(items: object) -> str:
    """Runway `issues` / FastAPI `detail` lists → "field: message; field: message"."""
    if not isinstance(items, list):
        return ""
    parts = []
    for item in items[:6]:
        if not isinstance(item, dict):
            continue
        where = item.get("path", item.get("loc", []))
        if isinstance(where, list):
            where = ".".join(str(p) for p in where if p != "body")
        text = item.get("message", item.get("msg", ""))
        parts.append(f"{where}: {text}" if where else str(text))
    return "; ".join(p for p in parts if p)


def error_detail(body: bytes) -> tuple[str, str]:
    """(message, code) from any provider's error body; plain text when it is not JSON.

    Shapes handled: Runway `{error, issues}`, OpenAI/Ollama `{error:{message,code,type}}`,
    Anthropic `{type:"error", error:{type,message}}`, FAL `{detail:[…]}` / `{detail, error_type}`,
    ElevenLabs `{detail:{code|status, message}}`, Sync `{statusCode, message, error}`,
    Luma `{detail}`.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace").strip()
        title = _TITLE.search(text)
        if text.startswith("<"):
            return (f"an HTML page ({title.group(1).strip()})" if title else "an HTML page"), ""
        return text[:300], ""
    if not isinstance(data, dict):
        return str(data)[:300], ""
    error, detail = data.get("error"), data.get("detail")
    if isinstance(error, dict):
        code = error.get("code") or error.get("type") or ""
        return str(error.get("message", "")), str(code)
    if isinstance(detail, dict):
        code = detail.get("code") or detail.get("status") or detail.get("type") or ""
        return str(detail.get("message", "")), str(code)
    if isinstance(detail, list):
        first = detail[0] if detail and isinstance(detail[0], dict) else {}
        return _issues(detail), str(first.get("type", ""))
    if isinstance(detail, str):
        return detail, str(data.get("error_type", ""))
    if isinstance(data.get("message"), str):  # Sync: "error" is only the reason phrase
        return data["message"], str(data.get("code", ""))
    if isinstance(error, str):
        issues = _issues(data.get("issues"))
        return (f"{error}: {issues}" if issues else error), ""
    return json.dumps(data)[:300], ""


def _should_retry(headers: httpx.Headers) -> bool | None:
    value = headers.get("x-should-retry", "").strip().lower()
    return {"true": True, "false": False}.get(value)


# -- the client -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


async def _after_post_sent(response: httpx.Response) -> None:
    """Crash-test boundary: the provider answered a create, we have not read the task id."""
    if response.request.method == "POST":
        crash_point("after_post_sent_before_response")


class ApiClient:
    """One provider's authenticated client. `repr()` never shows headers or the key."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        headers: dict[str, str],
        secret: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        if secret:
            register_secret(secret)  # before anything can format an error that might echo it
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"User-Agent": "GenStudio", **headers},
            transport=transport or httpx.AsyncHTTPTransport(retries=0),
            timeout=timeout or httpx.Timeout(60.0, connect=10.0),
            follow_redirects=False,
            event_hooks={"response": [_after_post_sent]},
        )

    def __repr__(self) -> str:
        return f"ApiClient({self.provider!r}, {self.base_url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    def same_origin(self, url: str) -> bool:
        """True when `url` is on our API host: only then may it receive our auth headers."""
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc.lower()) == (theirs.scheme, theirs.netloc.lower())

    async def request(
        self,
        method: str,
        url: str,
        *,
        action: str,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        body_cap: int = JSON_BODY_CAP,
        ok_statuses: tuple[int, ...] = (),
    ) -> ApiResponse:
        """Send one request; return a 2xx (or an `ok_statuses`) answer, else raise
        `ApiCallFailed`. `action` names the call in messages ("create the video task")."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.deadline):
                response = await self._send(method, url, json_body, params, headers, body_cap)
        except TimeoutError as exc:  # our deadline; after the body left, as a read timeout
            raise ApiCallFailed(
                Failure(exception=httpx.ReadTimeout(str(exc) or "deadline")),
                f"{self.provider}: could not {action}: no complete answer within "
                f"{self.deadline:.0f} s",
            ) from None
        except httpx.TransportError as exc:
            raise ApiCallFailed(
                Failure(exception=exc),
                f"{self.provider}: could not {action}: {type(exc).__name__}: {exc}",
            ) from None
        log.debug(
            "%s %s %s → %s in %.2f s",
            self.provider,
            method,
            clean_message(url, 200),
            response.status,
            time.monotonic() - started,
        )
        if 200 <= response.status < 300 or response.status in ok_statuses:
            return response
        raise self._failure(response, action)

    async def json(self, method: str, url: str, *, action: str, **kwargs: Any) -> Any:
        """`request` + JSON decoding; a 2xx that is not JSON is `provider_malformed`."""
        response = await self.request(method, url, action=action, **kwargs)
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            snippet, _ = error_detail(response.content)
            raise malformed(
                f"{self.provider}: could not {action}: the answer is not JSON ({snippet[:120]})",
                response.status,
            ) from None

    async def _send(
        self,
        method: str,
        url: str,
        json_body: Any,
        params: dict[str, str] | None,
        headers: dict[str, str] | None,
        body_cap: int,
    ) -> ApiResponse:
        request = self._client.build_request(
            method, url, json=json_body, params=params, headers=headers
        )
        response = await self._client.send(request, stream=True)
        try:
            ok = 200 <= response.status_code < 300
            cap = body_cap if ok else ERROR_BODY_CAP
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes(1 << 16):  # decoded: caps gzip bombs too
                size += len(chunk)
                if size > cap:
                    if ok:
                        raise malformed(
                            f"{self.provider}: the answer is larger than {cap // 1024} KiB",
                            response.status_code,
                        )
                    break  # an error body: the first 64 KiB say everything
                chunks.append(chunk)
        finally:
            await response.aclose()
        return ApiResponse(response.status_code, response.headers, b"".join(chunks))

    def _failure(self, response: ApiResponse, action: str) -> ApiCallFailed:
        message, code = error_detail(response.content)
        try:
            phrase = httpx.codes(response.status).phrase
        except ValueError:
            phrase = ""
        status = f"HTTP {response.status}" + (f" {phrase}" if phrase else "")
        if 300 <= response.status < 400:
            message = "unexpected redirect (not followed: it would carry the key elsewhere)"
        hint = _HINTS.get(response.status, "")
        text = f"{self.provider}: could not {action}: {status}"
        if message:
            text += f": {message}"
        if code and code not in message:
            text += f" [{code}]"
        if hint:
            text += f" ({hint})"
        body: object = None
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            body = response.json()
        failure = Failure(
            status=response.status, retry_after=parse_retry_after(response.headers, body)
        )
        return ApiCallFailed(failure, text, code=code, should_retry=_should_retry(response.headers))


# -- inputs ---------------------------------------------------------------------------------

_SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


def is_safe_id(value: str) -> bool:
    """A provider id we may put in a URL path: no slashes, no "..", no query characters."""
    return bool(_SAFE_ID.fullmatch(value)) and ".." not in value


def safe_id(value: str) -> str:
    """`value` if it is a safe path segment, else `InvalidRequest` (a tampered stored id
    must never turn into another URL on the provider's host)."""
    if not is_safe_id(value):
        raise InvalidRequest(f"not a valid task id: {value[:60]!r}")
    return value


_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_image_type(data: bytes) -> str | None:
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _read_image(path: Path) -> tuple[bytes, str]:
    if not path.is_file():
        raise InvalidRequest(f"{path}: the image file does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidRequest(f"{path}: cannot read the image ({exc.strerror or exc})") from None
    mime = sniff_image_type(data)
    if mime is None:
        raise InvalidRequest(f"{path}: not a JPEG, PNG or WebP image")
    return data, mime


async def image_input(
    value: object,
    *,
    provider: str,
    field: str,
    max_data_uri_bytes: int | None,
    https_only: bool = True,
    max_url_chars: int = 2048,
) -> str:
    """An image the provider can fetch: an https URL as it is, a data URI checked against the
    provider's size limit, or a local file turned into a data URI. `max_data_uri_bytes=None`
    means the provider accepts no data URIs (a local file then needs uploading first)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{provider}: {field} is required (an https URL or an image file)")
    value = value.strip()
    scheme = urlsplit(value).scheme.lower()
    if scheme in ("https", "http"):
        if scheme == "http" and https_only:
            raise InvalidRequest(f"{provider}: {field} must be an https URL, not http")
        if len(value) > max_url_chars:
            raise InvalidRequest(
                f"{provider}: {field} URL is {len(value)} characters; at most {max_url_chars}"
            )
        return value
    if scheme == "data":
        uri = value
    else:
        path = Path(value).expanduser()
        if max_data_uri_bytes is None:
            raise InvalidRequest(
                f"{provider}: {field} must be an https URL; {path} is a local file and "
                f"{provider} cannot receive files inline"
            )
        data, mime = await run_blocking(_read_image, path)
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        if len(uri) > max_data_uri_bytes:
            raise InvalidRequest(
                f"{path}: the image is {len(uri) / 1e6:.1f} MB as a data URI; {provider} "
                f"accepts at most {max_data_uri_bytes / 1e6:.0f} MB inline: use a smaller "
                "image or an https URL"
            )
        return uri
    if max_data_uri_bytes is None:
        raise InvalidRequest(f"{provider}: {field} must be an https URL, not a data URI")
    if len(uri) > max_data_uri_bytes:
        raise InvalidRequest(
            f"{provider}: {field} is {len(uri) / 1e6:.1f} MB as a data URI; at most "
            f"{max_data_uri_bytes / 1e6:.0f} MB"
        )
    return uri


# -- the part every remote runner shares ---------------------------------------------------


class RunnerBase:
    """Identity and lifetime of a configured remote runner (the `RemoteRunner` attributes).

    Subclasses set the class defaults below and implement submit / poll / cancel. The key is
    only inside `self.api`'s headers; `repr()` shows the name, model and host."""

    label = "provider"  # as shown in messages ("Runway")
    idempotent_submit = False
    submit_5xx_not_billed = False
    poll_interval = 5.0

    def __init__(self, api: ApiClient, *, name: str, model: str, lane: str) -> None:
        self.api = api
        self.name = name
        self.model = model
        self.lane = lane
        self.base_url = api.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, model={self.model!r}, {self.base_url})"

    async def aclose(self) -> None:
        await self.api.aclose()
