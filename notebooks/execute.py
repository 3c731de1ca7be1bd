"""Re-execute the tutorial notebooks in this environment and store their outputs.

Run from the repository root after changing the engine's output, the magic, the panel or
a notebook: ``.venv/bin/python notebooks/execute.py [NOTEBOOK ...]`` (default: every
``notebooks/*.ipynb``). The environment matches what nbval sees under pytest (the root
conftest): no API URL or key, and a fresh local-engine data dir whose engine is stopped
afterwards. Widget state is not stored, so exports and notebook viewers show the panel's
HTML snapshot.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"executed and saved {path}")


def main(argv: list[str]) -> None:
    for key in ("UNSTRUCTURED_API_URL", "UNSTRUCTURED_API_KEY", "UNSTRUCTURED_NB_NONINTERACTIVE"):
        os.environ.pop(key, None)
    data_dir = tempfile.mkdtemp(prefix="unstructured-nb-test-data-")
    os.environ["UNSTRUCTURED_NB_DATA_DIR"] = data_dir
    paths = [Path(a).resolve() for a in argv] or sorted(HERE.glob("*.ipynb"))
    try:
        for path in paths:
            execute(path)
    finally:
        from unstructured_nb.local.discovery import stop_local_engine

        stop_local_engine(data_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
