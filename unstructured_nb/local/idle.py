"""An idle engine goes away: it exits after a set time with no job running or queued and no request being served.

The auto-started engine holds worker processes (and their memory) for as long as it runs;
nobody remembers to stop it. So it exits after ``UNSTRUCTURED_NB_IDLE_TIMEOUT`` (default
2 hours; ``serve --idle-timeout``; 0 = never) without work, cleanly: its state file and
socket are removed, and the next client call starts a fresh one. An engine started by
hand with ``unstructured-nb serve`` runs until stopped unless given ``--idle-timeout``.

:class:`Activity` counts the requests in flight (an ASGI middleware feeds it), so an upload
that takes longer than the idle time is never cut off; :class:`IdleWatch` is the thread
that decides. Standard library only (discovery reads the setting in the kernel).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = [
    "DEFAULT_IDLE_TIMEOUT",
    "ENV_IDLE_TIMEOUT",
    "Activity",
    "ActivityMiddleware",
    "IdleWatch",
    "idle_timeout_from_env",
    "parse_seconds",
    "shown_seconds",
]

#: Seconds without work after which the auto-started engine exits.
DEFAULT_IDLE_TIMEOUT = 2 * 3600.0
ENV_IDLE_TIMEOUT = "UNSTRUCTURED_NB_IDLE_TIMEOUT"
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


def parse_seconds(text: str | float) -> float:
    """``"90"``, ``"90s"``, ``"30m"``, ``"2h"``, ``"7d"``, ``"1w"`` as seconds; ``ValueError`` with the accepted forms."""
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        raw = str(text).strip().lower()
        unit = _UNITS.get(raw[-1:]) if raw else None
        number = raw[:-1] if unit else raw
        try:
            value = float(number) * (unit or 1.0)
        except ValueError:
            raise ValueError(f"{text!r} is not a duration: give a number with s, m, h or d (90s, 30m, 2h, 7d)") from None
    if value < 0 or value != value:  # negative or NaN
        raise ValueError(f"{text!r} is not a duration: it must be 0 or more")
    return value


def shown_seconds(seconds: float) -> str:
    """``7200`` as ``2 h``, ``90`` as ``90 s``: the largest unit that divides it, for messages."""
    for unit, name in ((86400.0, "d"), (3600.0, "h"), (60.0, "min")):
        if seconds >= unit and seconds % unit == 0:
            return f"{seconds / unit:g} {name}"
    return f"{seconds:g} s"


def idle_timeout_from_env() -> float:
    """``$UNSTRUCTURED_NB_IDLE_TIMEOUT`` (``2h``, ``600``, ``0`` = never), else :data:`DEFAULT_IDLE_TIMEOUT`."""
    raw = os.environ.get(ENV_IDLE_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_IDLE_TIMEOUT
    try:
        return parse_seconds(raw)
    except ValueError:
        return DEFAULT_IDLE_TIMEOUT


class Activity:
    """Requests in flight, and when the last one ended. Thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self.last = clock()

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self.last = self._clock()

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class ActivityMiddleware:
    """Pure ASGI: every HTTP request counts as activity from its first byte to its last."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], activity: Activity) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.end()


class IdleWatch:
    """Calls ``on_idle`` once, when ``busy()`` has been false and no request in flight for ``timeout`` seconds."""

    def __init__(
        self,
        timeout: float,
        activity: Activity,
        busy: Callable[[], bool],
        on_idle: Callable[[], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = float(timeout)
        self._activity = activity
        self._busy = busy
        self._on_idle = on_idle
        self._clock = clock
        self._since = clock()  # idle since (reset by work)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired = False

    def start(self) -> IdleWatch:
        if self.timeout > 0:
            self._thread = threading.Thread(target=self._loop, name="unstructured-nb-idle-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> bool:
        """One look: True (and ``on_idle`` called) if the engine has been idle long enough."""
        now = self._clock()
        try:
            busy = self._activity.in_flight > 0 or self._busy()
        except Exception:  # a store that cannot be read: not a reason to exit
            busy = True
        if busy:
            self._since = now
            return False
        if now - max(self._since, self._activity.last) < self.timeout:
            return False
        self.fired = True
        self._on_idle()
        return True

    def _loop(self) -> None:
        interval = min(30.0, max(0.1, self.timeout / 10))
        while not self._stop.wait(interval):
            if self.check():
                return
