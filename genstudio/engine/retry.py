"""Retry policy (RELIABILITY.md §3.4): what to retry, how long to wait, when to stop.

The one rule that saves money: a paid create (submit) is retried only when the failure provably
happened before the request was sent, or when the provider honours our idempotency key, or when
the provider documents the status as "not accepted" (429 on create). Anything else after the
body left is *in doubt*: the job waits for the user instead of paying twice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

MAX_ATTEMPTS = 3
RETRY_AFTER_CAP = 120.0  # honour Retry-After up to this; beyond it the job is rescheduled


class CallClass(StrEnum):
    SUBMIT = "submit"
    POLL = "poll"
    DOWNLOAD = "download"


class Verdict(StrEnum):
    RETRY = "retry"  # try again after `delay`
    RESCHEDULE = "reschedule"  # park the job until `delay` from now (long Retry-After)
    FAIL = "fail"  # permanent; the job fails with `error_class`
    IN_DOUBT = "in_doubt"  # submit may have been accepted: never retry automatically
    REFRESH_URL = "refresh_url"  # download URL expired: poll the task again for a fresh one
    TASK_LOST = "task_lost"  # the provider does not know the task (404 on poll)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    delay: float = 0.0
    error_class: str = ""
    pause_lane: float = 0.0  # seconds to pause the whole provider lane (429)


PRE_SEND_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
TRANSPORT_ERRORS = (httpx.TransportError,)


def parse_retry_after(headers: httpx.Headers | dict[str, str], body: object = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, `retry-after` (seconds or HTTP date) or a JSON
    `retry_after`; None when absent or nonsense (negative, NaN, inf, absurdly large)."""
    h = {k.lower(): v for k, v in dict(headers).items()}
    candidates: list[float] = []
    raw_ms = h.get("retry-after-ms", "").strip()
    if raw_ms:
        value = _number(raw_ms)
        if value is not None:
            candidates.append(value / 1000)
    raw = h.get("retry-after", "").strip()
    if raw and not candidates:
        value = _number(raw)
        if value is None:
            try:
                when = parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                value = (when - datetime.now(UTC)).total_seconds()
        if value is not None:
            candidates.append(value)
    if not candidates and isinstance(body, dict) and "retry_after" in body:
        value = _number(str(body["retry_after"]))
        if value is not None:
            candidates.append(value)
    for value in candidates:
        if math.isfinite(value) and 0 <= value < 10**7:
            return value
    return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def backoff(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with jitter in [0.75, 1.0] × the computed delay (never a 0 s storm)."""
    computed = min(cap, base * (2 ** max(0, attempt - 1)))
    return computed * rng.uniform(0.75, 1.0)


@dataclass(frozen=True)
class Failure:
    """What went wrong with one HTTP call."""

    status: int | None = None
    exception: BaseException | None = None
    retry_after: float | None = None
    malformed: bool = False  # 2xx with a body we cannot use

    @classmethod
    def from_response(cls, response: httpx.Response, body: object = None) -> Failure:
        return cls(
            status=response.status_code, retry_after=parse_retry_after(response.headers, body)
        )


def _error_class(status: int) -> str:
    return {
        400: "bad_request",
        401: "auth",
        402: "payment_required",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
        422: "invalid",
    }.get(status, f"http_{status}")


def decide(
    call: CallClass,
    failure: Failure,
    attempt: int,
    *,
    rng: random.Random,
    idempotent_submit: bool = False,
    submit_5xx_not_billed: bool = False,
) -> Decision:
    """The policy table. `attempt` counts from 1 (the attempt that just failed)."""
    exhausted = attempt >= MAX_ATTEMPTS
    exc, status = failure.exception, failure.status

    if failure.malformed:
        return Decision(Verdict.FAIL, error_class="provider_malformed")

    if exc is not None:
        if (
            call is CallClass.SUBMIT
            and not isinstance(exc, PRE_SEND_ERRORS)
            and not idempotent_submit
        ):
            return Decision(Verdict.IN_DOUBT, error_class=type(exc).__name__)
        if exhausted and call is not CallClass.POLL:  # polls are bounded by the job deadline
            return Decision(Verdict.FAIL, error_class=f"transport:{type(exc).__name__}")
        base, cap = (1.0, 30.0) if call is not CallClass.POLL else (2.0, 60.0)
        return Decision(Verdict.RETRY, backoff(attempt, base=base, cap=cap, rng=rng))

    assert status is not None
    if status == 429:
        ra = failure.retry_after
        if ra is not None and ra > RETRY_AFTER_CAP:
            return Decision(Verdict.RESCHEDULE, delay=ra, error_class="rate_limited", pause_lane=ra)
        if exhausted:
            return Decision(
                Verdict.RESCHEDULE,
                delay=max(ra or 0.0, 60.0),
                error_class="rate_limited",
                pause_lane=ra or 0.0,
            )
        delay = ra if ra is not None and ra > 0 else backoff(attempt, base=1.0, cap=30.0, rng=rng)
        return Decision(Verdict.RETRY, delay=delay, error_class="rate_limited", pause_lane=delay)

    if call is CallClass.SUBMIT:
        if status >= 500 or status in (408, 409):
            if idempotent_submit or (submit_5xx_not_billed and status >= 500):
                if exhausted:
                    return Decision(Verdict.FAIL, error_class=f"http_{status}")
                return Decision(Verdict.RETRY, backoff(attempt, base=1.0, cap=30.0, rng=rng))
            return Decision(Verdict.IN_DOUBT, error_class=f"http_{status}")
        return Decision(Verdict.FAIL, error_class=_error_class(status))

    if call is CallClass.POLL:
        if status == 404:
            return Decision(Verdict.TASK_LOST, error_class="remote_task_unknown")
        if status in (401, 403):
            return Decision(Verdict.FAIL, error_class=_error_class(status))
        if status in (408,) or status >= 500:
            return Decision(Verdict.RETRY, backoff(attempt, base=2.0, cap=60.0, rng=rng))
        return Decision(Verdict.FAIL, error_class=_error_class(status))

    # download
    if status in (403, 410):
        return Decision(Verdict.REFRESH_URL, error_class="url_expired")
    if status == 408 or status >= 500:
        if exhausted:
            return Decision(Verdict.FAIL, error_class=f"http_{status}")
        return Decision(Verdict.RETRY, backoff(attempt, base=1.0, cap=30.0, rng=rng))
    return Decision(Verdict.FAIL, error_class=_error_class(status))
