"""Keep a data dir private to its owner: 0700 dirs and 0600 files from the first write, and refuse a dir others control.

The engine's data dir holds a user's documents, outputs, database and log. It is created
0700 and every file in it 0600 (explicit modes on each file the engine and discovery
create, plus ``umask 077`` in the engine's and workers' own processes); a data dir left
with wider modes by an older version is tightened when the engine starts. A client
refuses a data dir or state file that another user owns or that others can write: such a
dir could hold a forged state file that sends the user's documents elsewhere.

Standard library only (discovery imports it in the kernel).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, cast

from ..errors import LocalEngineError

__all__ = ["PRIVATE_UMASK", "check_private", "make_private_dir", "open_private", "tighten_tree"]

#: The umask of the engine and worker processes: nothing they create is readable by others.
PRIVATE_UMASK = 0o077


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and each missing parent) 0700, and make an existing ``path`` of ours 0700."""
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for folder in reversed(missing):  # Path.mkdir(parents=True) would give the parents the umask's mode
        folder.mkdir(mode=0o700, exist_ok=True)
    check_private(path, directory=True)
    if stat.S_IMODE(path.stat().st_mode) != 0o700:
        os.chmod(path, 0o700)


def open_private(path: Path, mode: str = "ab") -> BinaryIO:
    """Open (creating it 0600) a file inside a private dir; an existing file of ours is made 0600."""
    flags = os.O_CREAT | os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW
    flags |= os.O_APPEND if "a" in mode else os.O_TRUNC
    if "+" in mode:
        flags = (flags & ~os.O_WRONLY) | os.O_RDWR
    fd = os.open(path, flags, 0o600)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, 0o600)
        return cast(BinaryIO, os.fdopen(fd, mode))
    except BaseException:
        os.close(fd)
        raise


def check_private(path: Path, *, directory: bool) -> None:
    """Raise unless ``path`` is ours (this uid) and nobody else can write it; a missing path passes."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    kind = "folder" if directory else "file"
    if stat.S_ISLNK(st.st_mode):
        problem = "is a symbolic link"
    elif not (stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)):
        problem = f"is not a {kind}"
    elif st.st_uid != os.geteuid():
        problem = f"belongs to another user (uid {st.st_uid})"
    elif st.st_mode & 0o022:
        problem = "can be written by other users"
    else:
        return
    raise LocalEngineError(
        f"Refusing to use the local engine's {kind} {path}: it {problem}, so someone else could read your documents "
        "or point this notebook at their own server.",
        hint="Use a data dir of your own (set UNSTRUCTURED_NB_DATA_DIR), or fix its owner and mode (chmod 700 for the folder).",
    )


def tighten_tree(root: Path) -> None:
    """Make every dir under ``root`` 0700 and every file 0600 (data dirs written before this rule); symlinks are left."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
                if stat.S_ISLNK(st.st_mode) or st.st_uid != os.geteuid():
                    continue
                want = 0o700 if stat.S_ISDIR(st.st_mode) else stat.S_IMODE(st.st_mode) & 0o700
                if stat.S_IMODE(st.st_mode) != want:
                    os.chmod(full, want)
            except OSError:
                continue
