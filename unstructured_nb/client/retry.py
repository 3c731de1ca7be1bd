"""When to try a request again, and how long to wait first (shared by the sync and async clients).

Reads (GET) are retried on connection errors, timeouts, 5xx and 429. Anything that
changes state (POST run, create, cancel, PUT, DELETE) is retried only when the server
provably did not act on it: the connection was never made, or the server answered 429.
A 5xx or a read timeout after a run was sent may mean the job exists, so a retry could
start a second one; those surface as errors instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["RetryPolicy", "parse_retry_after"]

# Statuses worth retrying for a read: the server is overloaded, restarting or rate limiting.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the retry loop.

    ``max_retries`` attempts after the first; ``backoff_base * 2**n`` capped at
    ``backoff_max`` with full jitter between retries; a ``Retry-After`` is honoured up to
    ``retry_after_max`` seconds (a longer wait is not attempted: the error is raised with
    ``retry_after`` set); no retry starts once ``total_max`` seconds have passed.
    """

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    total_max: float = 90.0

    def backoff(self, retry_number: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**n)] (AWS architecture blog)."""
        return random.uniform(0.0, min(self.backoff_max, self.backoff_base * (2**retry_number)))

    def delay(
        self,
        *,
        method: str,
        retry_number: int,
        elapsed: float,
        response: httpx.Response | None = None,
        error: Exception | None = None,
        replayable: bool = True,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to stop and report the outcome.

        ``retry_number`` counts retries already made; ``elapsed`` is the time since the
        first attempt; ``replayable`` is False when the body cannot be sent again.
        """
        if retry_number >= self.max_retries or not replayable:
            return None
        if response is not None:
            wait = self._delay_for_status(method, response, retry_number)
        elif error is not None:
            wait = self._delay_for_error(method, error, retry_number)
        else:
            return None
        if wait is None or elapsed + wait > self.total_max:
            return None
        return wait

    def _delay_for_status(self, method: str, response: httpx.Response, retry_number: int) -> float | None:
        status = response.status_code
        if status not in _RETRY_STATUSES:
            return None
        if status != 429 and not is_read(method):
            return None  # the server may have acted before failing: never risk a duplicate
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            return retry_after if retry_after <= self.retry_after_max else None
        return self.backoff(retry_number)

    def _delay_for_error(self, method: str, error: Exception, retry_number: int) -> float | None:
        if not_sent(error) or (is_read(method) and isinstance(error, httpx.TransportError)):
            return self.backoff(retry_number)
        return None


def is_read(method: str) -> bool:
    """Requests that change nothing on the server, so sending them twice is harmless."""
    return method.upper() in ("GET", "HEAD", "OPTIONS")


def not_sent(error: Exception) -> bool:
    """True when the request provably never reached the server."""
    # ConnectError/ConnectTimeout happen while opening the connection; PoolTimeout while
    # waiting for a free one. No byte of the request was written in any of them.
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
