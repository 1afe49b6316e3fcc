"""The retry policy table (RELIABILITY.md §3.4) and Retry-After parsing (T6 at the policy level)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from genstudio.engine.retry import (
    MAX_ATTEMPTS,
    RETRY_AFTER_CAP,
    CallClass,
    Failure,
    Verdict,
    backoff,
    decide,
    parse_retry_after,
)

RNG = random.Random(7)
SUBMIT, POLL, DOWNLOAD = CallClass.SUBMIT, CallClass.POLL, CallClass.DOWNLOAD


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("20", 20.0),
        ("0", 0.0),
        ("-10", None),
        ("121", 121.0),
        ("inf", None),
        ("nan", None),
        ("99999999999999999999", None),
        ("Zun, 29 Sep 2023 99:99:99 GMT", None),
        ("", None),
        ("1.5", 1.5),
    ],
)
def test_retry_after_header_variants(header: str, expected: float | None) -> None:
    assert parse_retry_after({"Retry-After": header}) == expected


def test_retry_after_http_date_in_the_future() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    value = parse_retry_after({"retry-after": format_datetime(when, usegmt=True)})
    assert value is not None and 27 <= value <= 31


def test_retry_after_date_in_the_past_is_ignored() -> None:
    assert parse_retry_after({"retry-after": "Fri, 29 Sep 2023 10:00:00 GMT"}) is None


def test_retry_after_ms_wins_and_json_body_is_a_fallback() -> None:
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({}, {"retry_after": 4}) == 4.0


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError("x"), httpx.ConnectTimeout("x"), httpx.PoolTimeout("x")]
)
def test_submit_retries_only_pre_send_transport_errors(exc: Exception) -> None:
    d = decide(SUBMIT, Failure(exception=exc), 1, rng=RNG)
    assert d.verdict is Verdict.RETRY and 0.75 <= d.delay <= 1.0


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("x"),
        httpx.RemoteProtocolError("x"),
        httpx.ReadError("x"),
        httpx.WriteError("x"),
    ],
)
def test_submit_after_the_body_left_is_in_doubt(exc: Exception) -> None:
    assert decide(SUBMIT, Failure(exception=exc), 1, rng=RNG).verdict is Verdict.IN_DOUBT


def test_submit_with_honoured_idempotency_key_may_retry_a_read_timeout() -> None:
    d = decide(
        SUBMIT, Failure(exception=httpx.ReadTimeout("x")), 1, rng=RNG, idempotent_submit=True
    )
    assert d.verdict is Verdict.RETRY


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503, 504])
def test_submit_5xx_is_in_doubt_unless_documented(status: int) -> None:
    assert decide(SUBMIT, Failure(status=status), 1, rng=RNG).verdict is Verdict.IN_DOUBT
    documented = decide(SUBMIT, Failure(status=status), 1, rng=RNG, submit_5xx_not_billed=True)
    assert documented.verdict is (Verdict.RETRY if status >= 500 else Verdict.IN_DOUBT)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413, 422])
def test_client_errors_never_retry(status: int) -> None:
    for call in (SUBMIT, POLL, DOWNLOAD):
        d = decide(call, Failure(status=status), 1, rng=RNG)
        assert d.verdict in (Verdict.FAIL, Verdict.TASK_LOST, Verdict.REFRESH_URL)
        assert d.verdict is not Verdict.RETRY


def test_429_honours_retry_after_within_cap_and_pauses_the_lane() -> None:
    d = decide(SUBMIT, Failure(status=429, retry_after=20), 1, rng=RNG)
    assert d.verdict is Verdict.RETRY and d.delay == 20 and d.pause_lane == 20


def test_429_beyond_the_cap_reschedules_instead_of_hot_looping() -> None:
    d = decide(SUBMIT, Failure(status=429, retry_after=RETRY_AFTER_CAP + 1), 1, rng=RNG)
    assert d.verdict is Verdict.RESCHEDULE and d.delay == RETRY_AFTER_CAP + 1


def test_429_without_retry_after_backs_off() -> None:
    d = decide(SUBMIT, Failure(status=429), 2, rng=RNG)
    assert d.verdict is Verdict.RETRY and 1.5 <= d.delay <= 2.0


def test_attempts_are_capped_at_three() -> None:
    d = decide(SUBMIT, Failure(exception=httpx.ConnectError("x")), MAX_ATTEMPTS, rng=RNG)
    assert d.verdict is Verdict.FAIL
    d = decide(DOWNLOAD, Failure(status=503), MAX_ATTEMPTS, rng=RNG)
    assert d.verdict is Verdict.FAIL


def test_polls_keep_retrying_transient_errors() -> None:
    for attempt in (1, 5, 50):
        d = decide(POLL, Failure(status=503), attempt, rng=RNG)
        assert d.verdict is Verdict.RETRY and d.delay <= 60
        d = decide(POLL, Failure(exception=httpx.ReadTimeout("x")), attempt, rng=RNG)
        assert d.verdict is Verdict.RETRY


def test_poll_404_means_the_task_is_lost() -> None:
    assert decide(POLL, Failure(status=404), 1, rng=RNG).verdict is Verdict.TASK_LOST


@pytest.mark.parametrize("status", [403, 410])
def test_download_403_refreshes_the_url(status: int) -> None:
    assert decide(DOWNLOAD, Failure(status=status), 1, rng=RNG).verdict is Verdict.REFRESH_URL


def test_malformed_success_fails() -> None:
    d = decide(POLL, Failure(malformed=True), 1, rng=RNG)
    assert d.verdict is Verdict.FAIL and d.error_class == "provider_malformed"


def test_backoff_stays_within_jitter_band() -> None:
    rng = random.Random(1)
    for attempt in range(1, 8):
        computed = min(30.0, 1.0 * 2 ** (attempt - 1))
        for _ in range(50):
            assert 0.75 * computed <= backoff(attempt, base=1, cap=30, rng=rng) <= computed
