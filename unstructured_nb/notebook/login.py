"""``unstructured_nb.login()`` and ``%unstructured_login``: ask for the API key without showing it, keep it for the session.

In a terminal the key is read with ``getpass`` (no echo). In a notebook a password box is
shown (:class:`KeyPrompt`, an anywidget whose JavaScript ships in this package): the key
travels to the kernel in one custom message, never in a widget trait, so it is in no
saved widget state, no output and no notebook. It is then held in memory
(``client.session``) until the kernel stops; nothing is written to the environment or disk.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..client.session import forget, remember, session_key
from ..config import ENV_URL

__all__ = ["KeyPrompt", "login", "logout"]

_STATIC = Path(__file__).parent / "static"
_SAVED = "Key kept in memory for this session (it is not saved in the notebook). Runs started from now on use it."


def _in_kernel() -> bool:
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def login(api_url: str | None = None, *, prompt: Callable[[str], str] | None = None) -> Any:
    """Ask for the Unstructured API key without showing it and keep it in memory for this session.

    ``api_url`` (optional) also sets ``UNSTRUCTURED_API_URL`` for this process. In a
    notebook this returns the password box (display it; it is the cell's value); elsewhere
    the key is read at once (``prompt``: how, by default ``getpass``).
    """
    if api_url:
        os.environ[ENV_URL] = api_url.strip()
    if prompt is None and _in_kernel():
        return KeyPrompt()
    read = prompt or getpass.getpass
    try:
        entered = read("Unstructured API key (not shown as you type): ")
    except (EOFError, KeyboardInterrupt):
        print("No key was given; nothing changed.")
        return None
    if not entered.strip() or remember(entered) is None:
        print("No key was given; nothing changed.")
        return None
    print(_SAVED)
    return None


class KeyPrompt(anywidget.AnyWidget):
    """A password box: the key goes to the kernel in a custom message, never in a synced trait."""

    _esm = _STATIC / "key_prompt.js"
    status = traitlets.Unicode("waiting").tag(sync=True)  # waiting, saved, empty
    message = traitlets.Unicode("").tag(sync=True)
    had_key = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(had_key=session_key() is not None, **kwargs)
        self.on_msg(lambda _w, content, _buffers: self.receive(content))

    def receive(self, content: Any) -> None:
        """The browser's one message: ``{"kind": "key", "key": ...}`` (tests call this directly)."""
        if not isinstance(content, dict) or content.get("kind") != "key":
            return
        entered = str(content.get("key") or "")
        content.clear()  # drop the reference to the key as text in the message
        secret = remember(entered) if entered.strip() else None  # an empty box keeps the key there was
        del entered
        if secret is None:
            self.status, self.message = "empty", "No key was given; nothing changed."
        else:
            self.status, self.message = "saved", _SAVED

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        data = dict(data)
        data["text/plain"] = "Unstructured API key: a password box (it needs a front end that shows widgets)."
        return data, meta

    def __repr__(self) -> str:
        return "KeyPrompt(Unstructured API key: a password box)"


def logout() -> None:
    """Forget the key given with login()."""
    forget()
