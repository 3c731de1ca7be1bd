"""Re-execute notebooks/02_panel.ipynb in this environment and store its outputs.

Run from the repo root after changing the panel or the notebook:
``.venv/bin/python -m tests.panel.execute_notebook``. The environment matches what
nbval sees under pytest (the root conftest): no API URL or key, a fresh local-engine
data dir (its engine is stopped afterwards). Widget state is not stored, so exports
and notebook viewers show the panel's HTML snapshot.
"""

from __future__ import annotations

import os
import tempfile

import nbformat
from nbclient import NotebookClient

from ._servers import NOTEBOOK


def main() -> None:
    for key in ("UNSTRUCTURED_API_URL", "UNSTRUCTURED_API_KEY", "UNSTRUCTURED_NB_NONINTERACTIVE"):
        os.environ.pop(key, None)
    data_dir = tempfile.mkdtemp(prefix="unstructured-nb-test-data-")
    os.environ["UNSTRUCTURED_NB_DATA_DIR"] = data_dir
    nb = nbformat.read(NOTEBOOK, as_version=4)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        from unstructured_nb.local.discovery import stop_local_engine

        stop_local_engine(data_dir)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, NOTEBOOK)
    print(f"executed and saved {NOTEBOOK}")


if __name__ == "__main__":
    main()
