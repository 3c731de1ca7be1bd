"""Re-execute the tutorial notebooks as a new user would and store their outputs.

Run from the repository root after changing the engine's output, the magic, the panel or
a notebook: ``.venv/bin/python notebooks/execute.py [NOTEBOOK ...]`` (default: every
``notebooks/*.ipynb``). Outside the test harness: no API URL or key, and a fresh home
folder, so the local engine starts in its default data dir (``~/.local/share/unstructured_nb``)
exactly as on a new machine; that engine is stopped afterwards. The stored outputs are then
checked for anything of this run that a reader should not see (the temporary home folder, a
loopback port). Widget state is not stored, so exports and notebook viewers show the
panel's HTML snapshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
_PORT = re.compile(r"(127\.0\.0\.1|localhost):\d+")


def execute(path: Path, home: str) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    outputs = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    if home in outputs or _PORT.search(outputs):
        found = home if home in outputs else _PORT.search(outputs).group(0)  # type: ignore[union-attr]  # one of the two matched
        raise SystemExit(f"{path.name}: a stored output shows {found!r}, which is this run's and not the reader's; fix it")
    nbformat.write(nb, path)
    print(f"executed and saved {path}")


def main(argv: list[str]) -> None:
    for key in ("UNSTRUCTURED_API_URL", "UNSTRUCTURED_API_KEY", "UNSTRUCTURED_NB_NONINTERACTIVE", "UNSTRUCTURED_NB_DATA_DIR"):
        os.environ.pop(key, None)
    home = tempfile.mkdtemp(prefix="unstructured-nb-new-user-")
    os.environ["HOME"] = home  # a new user's home: the engine's data goes to its default place there
    paths = [Path(a).resolve() for a in argv] or sorted(HERE.glob("*.ipynb"))
    try:
        for path in paths:
            execute(path, home)
    finally:
        from unstructured_nb.local.discovery import default_data_dir, stop_local_engine

        stop_local_engine(default_data_dir())
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
