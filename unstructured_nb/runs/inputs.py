"""The one expansion of what a user names as input files: paths, globs, folders, uploads, open files.

The magic, the panel and the terminal all call :func:`expand`, so the same words name the
same files everywhere. The rules:

- a file's path names that file (a hidden file too, when it is named);
- a folder names the files directly in it, not hidden ones and not sub-folders
  (``data/**/*`` reaches deeper);
- a glob (``*``, ``?``, ``[...]``; ``**`` for any depth) names the files it matches, and
  the files directly in each folder it matches; hidden names only when the pattern
  spells their dot;
- every file is named once, at its first mention (compared by real path);
- from folders and globs, files of a type the platform does not partition are left out
  and reported once; a file named on its own is always sent (the server says whether it
  can read it);
- anything that is not a path (an open file, a ``(name, bytes)`` pair, a ``FileUpload``
  entry) is passed through as it is, and an :class:`InputFile` is taken as it is;
- with a ``root`` (a Voila app's course folder), relative paths start there and every file
  must really be inside it: a path, glob match or symlink leading out of it is a problem
  ("outside the folder ..."), reported before its existence is even checked, so nothing
  outside can be read or probed.

Problems (a missing path, a glob matching nothing, an empty folder, an unreadable file)
are collected, one per entry, so a user sees them all at once: :func:`expand` never raises
for them; :meth:`Inputs.check` does, before anything is sent.
"""

from __future__ import annotations

import glob
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..client.multipart import as_items, path_problem
from ..errors import InputFileError
from ..filetypes import PLATFORM_EXTENSIONS

__all__ = ["InputFile", "Inputs", "expand", "split_field"]

_SUPPORTED = frozenset(PLATFORM_EXTENSIONS)


@dataclass(frozen=True)
class InputFile:
    """One file to send: the name the server sees, what the client uploads, and where it came from."""

    name: str
    item: Any  # a Path for files on disk, else the object the user gave
    size: int | None = None
    path: Path | None = None  # on this machine's disk, absolute
    shown: str = ""  # where it is from, as a front end shows it (relative to the working directory when inside it)


@dataclass(frozen=True)
class Inputs:
    """The result of :func:`expand`: the files found, the problems, and the files left out for their type."""

    files: tuple[InputFile, ...]
    problems: tuple[str, ...]
    skipped: tuple[str, ...]
    cwd: str

    @property
    def items(self) -> list[Any]:
        """What to hand the client's ``files=`` argument."""
        return [f.item for f in self.files]

    @property
    def note(self) -> str | None:
        """One sentence about the files left out for their type, or None."""
        if not self.skipped:
            return None
        shown = ", ".join(self.skipped[:5]) + (f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else "")
        noun = "file" if len(self.skipped) == 1 else "files"
        return f"Left out {len(self.skipped)} {noun} of a type the platform does not partition: {shown}."

    def check(self) -> tuple[InputFile, ...]:
        """The files, or an :class:`InputFileError` naming every problem (nothing is sent)."""
        if self.problems:
            raise InputFileError(
                "Cannot use these input paths: " + "; ".join(self.problems),
                hint="Nothing was sent and no job was created. Check the paths (relative paths start at "
                f"the working directory, {self.cwd})",
            )
        if not self.files:
            extra = f" {self.note}" if self.note else ""
            raise InputFileError(
                "No input files were given." + extra, hint="Pass at least one file, glob or folder; nothing was sent"
            )
        return self.files


def split_field(text: str) -> list[str]:
    """The entries of a typed path field: separated by spaces, quoted when they contain spaces."""
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: take the text as one path
        return [text.strip()] if text.strip() else []


def expand(entries: Any, *, cwd: str | os.PathLike[str] | None = None, root: str | os.PathLike[str] | None = None) -> Inputs:
    """Expand ``entries`` (one entry, or an iterable of them) by the rules above.

    ``root``: the only folder files may come from (relative paths start there).
    """
    fence = os.path.realpath(os.fspath(root)) if root is not None else None
    base = fence if fence is not None else (os.fspath(cwd) if cwd is not None else os.getcwd())
    files: list[InputFile] = []
    problems: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()
    outside = "outside the folder files may come from"

    def inside(path: str) -> bool:
        return fence is None or os.path.commonpath([fence, os.path.realpath(path)]) == fence

    def add(path: str, *, listed: bool) -> None:
        real = os.path.realpath(path)
        if real in seen:
            return
        if not inside(path):
            problems.append(f"{_shown(path, base)} ({outside})")
            return
        if listed and Path(path).suffix.lower() not in _SUPPORTED:
            skipped.append(_shown(path, base))
            seen.add(real)
            return
        problem = path_problem(Path(path))
        if problem:
            problems.append(f"{_shown(path, base)} ({problem})")
            return
        seen.add(real)
        absolute = Path(os.path.abspath(path))
        files.append(InputFile(absolute.name, absolute, absolute.stat().st_size, absolute, _shown(path, base)))

    for entry in as_items(entries):
        if isinstance(entry, InputFile):
            files.append(entry)
            continue
        if not isinstance(entry, (str, os.PathLike)):
            files.append(_passthrough(entry))
            continue
        text = os.fspath(entry) if fence is not None else os.path.expanduser(os.fspath(entry))
        full = text if os.path.isabs(text) else os.path.join(base, text)
        if fence is not None and not inside(_literal_part(full)):
            problems.append(f"{text} ({outside})")  # said before looking: nothing outside is probed
            continue
        if glob.has_magic(text):
            matches = sorted(m for m in glob.glob(full, recursive=True) if inside(m))
            found = [f for m in matches for f in (_folder_files(m) if os.path.isdir(m) else [m] if os.path.isfile(m) else [])]
            if not found:
                problems.append(f"{text} (no file matches this pattern)")
            for f in found:
                add(f, listed=True)
        elif os.path.isdir(full):
            found = [f for f in _folder_files(full) if inside(f)]
            if not found:
                problems.append(f"{text} (the folder has no files)")
            for f in found:
                add(f, listed=True)
        elif os.path.lexists(full):
            add(full, listed=False)
        else:
            problems.append(f"{text} (not found)")
    return Inputs(tuple(files), tuple(problems), tuple(skipped), base)


def _literal_part(path: str) -> str:
    """The part of a path before its first glob character (the whole path when it has none)."""
    if not glob.has_magic(path):
        return path
    head = path
    while glob.has_magic(head):
        head = os.path.dirname(head)
    return head


def _folder_files(folder: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))]


def _shown(path: str, cwd: str) -> str:
    absolute = os.path.abspath(path)
    inside = absolute.startswith(os.path.join(os.path.abspath(cwd), ""))
    return os.path.relpath(absolute, cwd) if inside else path


def _passthrough(item: Any) -> InputFile:
    """An entry that is not a path: named and measured where it says, uploaded as it is."""
    name: Any = None
    size: int | None = None
    if isinstance(item, tuple) and item:
        name = item[0]
        size = len(item[1]) if isinstance(item[1], (bytes, bytearray, memoryview)) else None
    elif isinstance(item, dict):
        name = item.get("name")
        raw_size = item.get("size")
        size = int(raw_size) if isinstance(raw_size, int) else None
    else:
        name = getattr(item, "name", None)
    text = os.path.basename(os.fspath(name)) if isinstance(name, (str, os.PathLike)) and name else type(item).__name__
    return InputFile(text, item, size, None, text)
