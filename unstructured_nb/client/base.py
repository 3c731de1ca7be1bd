"""What the sync and async clients share: configuration, request building and the decisions on each answer.

A client method builds a request description (``endpoints``); the client subclass sends it
(the only I/O, and the only difference between :class:`~.sync.Client` and
:class:`~.aio.AsyncClient`); :class:`ClientBase` decides whether to retry (``retry``) and
turns the final answer into a typed result or one clear exception (``http_errors``).

Configuration: arguments first, then ``UNSTRUCTURED_API_URL``/``UNSTRUCTURED_API_KEY``;
with no URL anywhere the embedded local engine is started and used.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from ..config import mask_key, resolve_api_key, resolve_api_url
from ..errors import AuthenticationError, ConfigurationError, LocalEngineError, UnstructuredError
from ..version import __version__
from .endpoints import Call, UnexpectedBody
from .http_errors import (
    Context,
    decode_json,
    display_url,
    error_for_response,
    error_for_transport,
    running_job_error,
    unexpected_body_error,
)
from .retry import RetryPolicy
from .secret import Secret, hidden
from .session import session_key

__all__ = ["DEFAULT_TIMEOUT", "KEY_HEADER", "ClientBase"]

T = TypeVar("T")
log = logging.getLogger("unstructured_nb.client")

#: Connect fast or fail; allow a slow answer; allow a long upload (per socket write).
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0, write=300.0, pool=10.0)
KEY_HEADER = "unstructured-api-key"


USER_AGENT = f"unstructured-nb/{__version__} httpx/{httpx.__version__}"


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    # None means "the default" here, not "wait forever": a notebook must never hang
    # silently. To really disable a limit, pass httpx.Timeout(None).
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(float(value))


def as_secret(key: str | Secret | None) -> Secret | None:
    """The key as a :class:`Secret` (None when empty), refusing one that cannot be sent in a header."""
    secret = hidden(key)
    # A key with a line break or non-ASCII character cannot be sent in a header, and the
    # HTTP library's error for it would quote the key: refuse it here, without quoting it.
    if secret is not None and not all(33 <= ord(c) <= 126 for c in secret.reveal()):
        raise AuthenticationError(
            "The API key contains spaces, line breaks or non-ASCII characters, so it cannot be sent",
            hint="Copy the key again and give exactly that value (unstructured_nb.login() asks for it without showing it)",
        )
    return secret


def _is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class ClientBase:
    """Configuration and the decisions shared by both clients (no I/O here)."""

    api_url: str
    is_local: bool

    def __init__(
        self,
        api_url: str | None,
        api_key: str | Secret | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        local_data_dir: str | os.PathLike[str] | None,
    ) -> None:
        # The argument is rebound first, so no frame of a traceback from here on holds the key as text.
        if api_key is None:  # the key given with login() comes before the environment's
            api_key = session_key()
        explicit = api_key is not None
        api_key = as_secret(api_key if isinstance(api_key, Secret) else resolve_api_key(api_key))
        url = resolve_api_url(api_url)
        key = api_key
        self.is_local = False
        self._unix_socket: str | None = None  # the local engine's socket: httpx connects through it
        self._local_data_dir: str | os.PathLike[str] | None = local_data_dir
        self._local_key = api_key if explicit else None
        if url is None:
            # The local engine has its own key (or none): a platform key from the environment
            # is not meant for it. An explicit api_key argument still wins.
            url, key, self._unix_socket, found_dir = self._start_local_engine(self._local_key, local_data_dir)
            self._local_data_dir = found_dir  # resolved once: a later change of the environment does not move this client
            self.is_local = True
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"The API URL must start with http:// or https:// (got {display_url(url)!r})",
                hint="Check the api_url argument or UNSTRUCTURED_API_URL, e.g. https://platform.unstructuredapp.io",
            )
        self.api_url = url
        self._api_key = key
        self._timeout = _timeout(timeout)
        self._retry = RetryPolicy(max_retries=max(0, int(max_retries)))
        self._ctx = Context(api_url=url, key=self._api_key, is_local=self.is_local, timeout=self._timeout)
        # Proxy settings from the environment apply to remote servers only: a loopback
        # server (the local engine, a test server) is never behind a proxy.
        self._trust_env = not _is_loopback(url)

    @staticmethod
    def _start_local_engine(
        api_key: Secret | None, data_dir: str | os.PathLike[str] | None
    ) -> tuple[str, Secret | None, str | None, Path]:
        try:
            from ..local.discovery import ensure_local_engine
        except ImportError as exc:
            raise LocalEngineError(
                f"No API URL is set and the local engine is not available ({exc})",
                hint="Set UNSTRUCTURED_API_URL (and UNSTRUCTURED_API_KEY) or pass Client(api_url=..., api_key=...) "
                "to use the Unstructured Platform",
            ) from None
        try:
            engine = ensure_local_engine(data_dir)
        except UnstructuredError:
            raise
        except Exception as exc:  # any failure to start becomes one clear error
            raise LocalEngineError(
                f"No API URL is set and the local engine could not be started: {type(exc).__name__}: {exc}",
                hint="Set UNSTRUCTURED_API_URL to use the Unstructured Platform instead, or check the engine's log in "
                "its data directory",
            ) from None
        key = api_key if api_key else as_secret(engine.api_key)
        return resolve_api_url(engine.url) or engine.url, key, engine.socket, engine.data_dir

    def _rediscover(self, exc: Exception) -> bool:
        """After a connection to the local engine failed: find (or start) the engine of its data dir again.

        The engine may have been stopped, crashed, or exited after its idle time; discovery
        checks who answers (this user's recorded engine process, SO_PEERCRED) before any byte
        is sent, exactly as at construction. True when the engine now answers somewhere else
        (the caller rebuilds its connection pool); False when it is where it was.
        """
        log.debug("the local engine did not answer (%s): looking for it again", type(exc).__name__)
        url, key, socket, _ = self._start_local_engine(self._local_key, self._local_data_dir)
        moved = url != self.api_url or socket != self._unix_socket
        self.api_url, self._api_key, self._unix_socket = url, key, socket
        self._ctx = Context(api_url=url, key=key, is_local=True, timeout=self._timeout)
        return moved

    @property
    def unix_socket(self) -> str | None:
        """The local engine's Unix socket this client connects through (None for a URL's server)."""
        return self._unix_socket

    def __repr__(self) -> str:
        local = ", local engine" if self.is_local else ""
        key = mask_key(self._api_key.reveal() if self._api_key else None)
        return f"{type(self).__name__}(api_url={display_url(self.api_url)!r}, api_key={key}{local})"

    def _check_open(self, closed: bool) -> None:
        if closed:
            raise UnstructuredError(
                f"This {type(self).__name__} has been closed", hint=f"Create a new {type(self).__name__}() to send requests"
            )

    # -- request building --------------------------------------------------------------

    def _headers(self, call: Call[Any]) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self._api_key:
            headers[KEY_HEADER] = self._api_key.reveal()
        if call.body is not None:
            headers.update(call.body.headers())
        return headers

    def _request_args(self, call: Call[Any]) -> dict[str, Any]:
        args: dict[str, Any] = {
            "method": call.method,
            "url": self.api_url + call.path,
            "headers": self._headers(call),
        }
        if call.params:
            args["params"] = dict(call.params)
        if call.json is not None:
            args["json"] = call.json
        return args

    # -- decisions ------------------------------------------------------------------------

    def _next_delay(
        self,
        call: Call[Any],
        retries: int,
        started: float,
        *,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> float | None:
        replayable = call.body.replayable if call.body is not None else True
        delay = self._retry.delay(
            method=call.method,
            retry_number=retries,
            elapsed=time.monotonic() - started,
            response=response,
            error=error,
            replayable=replayable,
        )
        if delay is not None:
            why = f"HTTP {response.status_code}" if response is not None else type(error).__name__
            log.debug(
                "retrying %s in %.2f s after %s (retry %d of %d)", call.target, delay, why, retries + 1, self._retry.max_retries
            )
        return delay

    def _log_response(self, call: Call[Any], response: httpx.Response, started: float) -> None:
        log.debug("%s -> %d (%.0f ms)", call.target, response.status_code, (time.monotonic() - started) * 1000)

    def _result(self, call: Call[T], response: httpx.Response, attempts: int) -> T:
        """The parsed result of a final answer, or the exception that describes it."""
        if call.method == "POST":  # only a run or job creation can be refused this way
            running = running_job_error(call, response, self._ctx)
            if running is not None:
                raise running
        if not response.is_success:
            raise error_for_response(call, response, self._ctx, attempts)
        try:
            return call.parse(decode_json(response))
        except UnexpectedBody as exc:
            raise unexpected_body_error(call, response, exc.expected, self._ctx) from None
        except ValueError:
            raise unexpected_body_error(call, response, "JSON", self._ctx) from None

    def _transport_error(self, call: Call[Any], exc: Exception, attempts: int) -> UnstructuredError:
        log.debug("%s failed: %s", call.target, type(exc).__name__)
        return error_for_transport(call, exc, self._ctx, attempts)
