"""The engine's Unix socket: bind it private (0700 folder, 0600 socket), read a peer's uid and pid (SO_PEERCRED).

The auto-started engine listens only here: browsers cannot reach a Unix socket, and the
0700 folder keeps other users from connecting at all. Both ends check the other: the
server drops a connection whose peer is another uid, and discovery connects, reads the
server's uid and pid, and sends nothing unless they are this user's and the recorded
engine's (a forged engine left after a crash gets no byte of a document).

Standard library only (discovery imports it in the kernel).
"""

from __future__ import annotations

import os
import socket
import stat
import struct
from pathlib import Path

from ..errors import LocalEngineError
from .private_files import check_private, make_private_dir

__all__ = ["bind_unix", "peer_credentials", "probe_peer", "remove_socket"]

_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


def peer_credentials(sock: socket.socket) -> tuple[int, int]:
    """The (pid, uid) of the process at the other end of a connected Unix socket."""
    pid, uid, _gid = _UCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))
    return pid, uid


def _check_socket_file(path: Path) -> None:
    check_private(path.parent, directory=True)
    st = os.lstat(path)
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise LocalEngineError(
            f"Refusing to use {path}: it is not a private socket of this user, so it may not be your engine.",
            hint=f"Remove it (`rm {path}`) and try again; the engine is started anew.",
        )


def probe_peer(path: Path, timeout: float = 2.0) -> int | None:
    """The pid of the server listening on ``path`` if it is this user's process, else None (nothing is sent)."""
    try:
        _check_socket_file(path)
    except (OSError, LocalEngineError):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(str(path))
        pid, uid = peer_credentials(sock)
    except OSError:
        return None
    finally:
        sock.close()
    return pid if uid == os.geteuid() else None


def remove_socket(path: Path) -> None:
    """Remove a socket file of ours (a stale one, or ours at shutdown); anything else is left alone."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISSOCK(st.st_mode) and st.st_uid == os.geteuid():
        path.unlink(missing_ok=True)


def bind_unix(path: Path) -> socket.socket:
    """A listening Unix socket at ``path`` (0600, in a 0700 folder of ours); a stale socket there is replaced.

    Call it only while holding the data dir's lock: the socket it replaces cannot be a live engine's.
    """
    try:
        make_private_dir(path.parent)
        remove_socket(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError as exc:
        raise LocalEngineError(
            f"Cannot create the local engine's socket {path}: {exc}.", hint="Choose another --data-dir."
        ) from None
    try:
        old = os.umask(0o177)  # the socket file is born 0600: no window where others could connect
        try:
            sock.bind(str(path))
        finally:
            os.umask(old)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise LocalEngineError(f"Cannot listen on {path}: {exc.strerror or exc}.", hint="Choose another --data-dir.") from None
    sock.set_inheritable(False)
    return sock
