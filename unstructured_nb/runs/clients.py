"""One shared client per API URL and key, so every run of a session shares one connection pool.

A client of the local engine is checked before it is handed out again: when the engine it
points at was stopped or died, the engine that serves the data dir now is found (or
started). It listens on the same Unix socket, so the client (and every run holding it)
reaches it; a fresh client is made only if the engine's address changed.
"""

from __future__ import annotations

import threading

from ..client import Client
from ..client.secret import Secret, hidden
from ..client.session import session_key
from ..config import resolve_api_key, resolve_api_url
from ..errors import UnstructuredError

__all__ = ["shared_client"]

_CLIENTS: dict[tuple[str | None, Secret | None, float | None], Client] = {}
_LOCK = threading.Lock()


def shared_client(api_url: str | None = None, api_key: str | Secret | None = None, *, timeout: float | None = None) -> Client:
    """The shared :class:`Client` for this URL and key (arguments first, then the environment)."""
    api_key = hidden(api_key)  # first: no frame below holds the key as text
    url = resolve_api_url(api_url)
    # the client itself falls back to the environment's key (and a local engine ignores that key)
    cache_key = (url, api_key or session_key() or hidden(resolve_api_key(None)), timeout)
    with _LOCK:
        client = _CLIENTS.get(cache_key)
        if client is not None and client.is_local and not _still_serving(client):
            client = None
        if client is None:
            client = (
                Client(api_url=url, api_key=api_key) if timeout is None else Client(api_url=url, api_key=api_key, timeout=timeout)
            )
            _CLIENTS[cache_key] = client
        return client


def _still_serving(client: Client) -> bool:
    from ..local.discovery import ensure_local_engine

    try:
        engine = ensure_local_engine()  # (re)starts it: a client on its Unix socket reaches the new one
        return engine.url == client.api_url and engine.socket == client.unix_socket
    except UnstructuredError:
        return True  # no new engine can start: keep the client, whose errors say what is wrong
