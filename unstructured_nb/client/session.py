"""The key given with ``unstructured_nb.login()``: kept in this process's memory for the session, nowhere else.

Not in the environment (child processes and ``!`` shell commands would inherit it), not on
disk, not in any output. Clients made without an ``api_key`` argument use it before
``UNSTRUCTURED_API_KEY``; :func:`forget` drops it.
"""

from __future__ import annotations

import threading

from .secret import Secret, hidden

__all__ = ["forget", "remember", "session_key"]

_LOCK = threading.Lock()
_KEY: list[Secret] = []


def remember(key: str | Secret | None) -> Secret | None:
    """Keep ``key`` for the rest of the session (an empty key forgets the current one); returns it as a Secret."""
    secret = hidden(key)  # first: no frame below holds the key as text
    with _LOCK:
        _KEY[:] = [secret] if secret is not None else []
    return secret


def session_key() -> Secret | None:
    """The key given with login(), if any."""
    with _LOCK:
        return _KEY[0] if _KEY else None


def forget() -> None:
    """Drop the session's key (clients made afterwards fall back to UNSTRUCTURED_API_KEY)."""
    with _LOCK:
        _KEY.clear()
