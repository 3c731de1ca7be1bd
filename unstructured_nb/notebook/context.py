"""Where the panel is shown: a Voila page (no code can run there), a notebook kernel, or a terminal.

And the name a notebook gave an object, so a hint names a variable that exists
(``panel.runs[0].elements()`` only when there is a ``panel``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..errors import ConfigurationError

__all__ = ["can_run_code", "in_voila", "paths_allowed", "variable_name"]

# Voila starts each visitor's kernel with these in its environment (voila/handler.py).
_VOILA_MARKERS = ("VOILA_KERNEL_ID", "VOILA_BASE_URL", "VOILA_APP_PORT", "VOILA_REQUEST_URL")


def in_voila() -> bool:
    """True in a kernel Voila started: its visitors see outputs only, never code."""
    if os.environ.get("SERVER_SOFTWARE", "").lower().startswith("voila"):
        return True
    return any(os.environ.get(name) for name in _VOILA_MARKERS)


def can_run_code() -> bool:
    """True where the user can type and run code next to the panel (a notebook or IPython, not Voila)."""
    if in_voila():
        return False
    from IPython import get_ipython

    return get_ipython() is not None


def variable_name(obj: Any) -> str | None:
    """The name of a notebook variable holding ``obj`` (the first one defined by the user), or None."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return None
    for name, value in list(shell.user_ns.items()):
        if value is obj and not name.startswith("_"):
            return str(name)
    return None


def paths_allowed(
    allow_paths: bool | None, root: str | os.PathLike[str] | None, files: str | Sequence[str] | None, *, app: bool
) -> bool:
    """Whether the panel gets a path field: by default yes, except in an app (Voila) without a ``root`` folder.

    Raises :class:`ConfigurationError` for a path field an app could not confine, and for a
    ``root`` that is not a folder.
    """
    if allow_paths is None:
        allow_paths = not app or root is not None
    if allow_paths and app and root is None:
        raise ConfigurationError(
            "Served by Voila, a path field would let every visitor read any file this server can read",
            hint="Pass root='a-folder' to confine typed paths to that folder, or leave allow_paths out",
        )
    if files and not allow_paths:
        raise ConfigurationError("files= fills the path field, which this panel does not have", hint="Pass root= too")
    if root is not None and not os.path.isdir(root):
        raise ConfigurationError(f"root={os.fspath(root)!r} is not a folder", hint="Give the folder files may be chosen from")
    return allow_paths
