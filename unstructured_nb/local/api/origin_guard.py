"""Refuse what a web page can send: a foreign ``Host`` (DNS rebinding) and any cross-origin request (CSRF), with a 403.

A page in the user's browser can make it send requests to loopback: a "simple" POST
needs no preflight, and a DNS name rebound to 127.0.0.1 even lets the page read the
answers. Two checks stop both, before routing:

- ``Host`` must be a loopback name or address (``localhost``, ``*.localhost``,
  ``127.0.0.0/8``, ``::1``) for a keyless engine; a rebound name is refused. A keyed
  engine (which may serve on a public address behind its own name) skips this check:
  the page does not have the key.
- A request from a browser context that is not the engine's own origin is refused:
  ``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an ``Origin`` header
  (including ``null``) whose host and port differ from ``Host``. Notebook clients (httpx,
  the SDK, curl) send neither header.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import ApiError

__all__ = ["OriginGuard", "is_loopback_host"]

FOREIGN_HOST = (
    "Refused: the Host header {host!r} is not this machine's loopback name, so the request may come from a web page "
    "(DNS rebinding). Use http://127.0.0.1:PORT or http://localhost:PORT, or start the engine with an API key."
)
CROSS_SITE = (
    "Refused: this request comes from a web page of another origin ({origin}). The local engine answers only "
    "notebooks and programs of this user, never web pages."
)


def _host_name(host: str) -> str:
    """The name or address of a ``Host`` header value, without its port (``[::1]:80`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_host(host: str) -> bool:
    name = _host_name(host).rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


class OriginGuard:
    """Pure ASGI middleware: the two checks above on every HTTP request."""

    def __init__(self, app: ASGIApp, *, check_host: bool) -> None:
        self.app = app
        self.check_host = check_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = self._problem(scope)
            if problem is not None:
                await ApiError(403, problem).response()(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _problem(self, scope: Scope) -> str | None:
        host = _header(scope, b"host") or ""
        if self.check_host and not is_loopback_host(host):
            return FOREIGN_HOST.format(host=host[:100])
        site = (_header(scope, b"sec-fetch-site") or "").strip().lower()
        origin = _header(scope, b"origin")
        if site and site not in ("same-origin", "none"):
            return CROSS_SITE.format(origin=(origin or site)[:100])
        if origin is not None:
            parts = urlsplit(origin.strip())
            if origin.strip().lower() == "null" or parts.netloc.lower() != host.strip().lower():
                return CROSS_SITE.format(origin=origin[:100])
        return None
