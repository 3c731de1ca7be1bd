"""Helpers for the panel's browser tests: JupyterLab, Notebook 7 and Voila servers, Chromium, sample files.

Recipes from ../shared/testing/NOTEBOOK_AND_BROWSER_TESTS.md: an isolated Jupyter config
dir, servers on loopback with a random token started in their own session (so teardown
can stop the whole group), Debian's /usr/bin/chromium driven by playwright (never a
downloaded browser).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.polling import wait_until

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "02_panel.ipynb"
APP = REPO / "notebooks" / "03_class_app.ipynb"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VENV_BIN = Path(sys.executable).parent


def require_chromium() -> str:
    """The Chromium path; skip (or fail under CI, which must run these) when it is absent."""
    if os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the Python package playwright is not installed (pip install playwright; no browser download needed)"
        else:
            return CHROMIUM
    else:
        reason = f"{CHROMIUM} is missing (apt-get install chromium); the browser tests drive Debian's Chromium"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process group (server and its kernels), then SIGKILL after ``grace``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def write_samples(root: Path, slow_files: int) -> dict[str, Path]:
    """Files the tests upload (two) and a folder of many small files for a slow job."""
    uploads = root / "to-upload"
    uploads.mkdir(parents=True, exist_ok=True)
    a = uploads / "alpha notes.md"
    a.write_text("# Alpha report\n\nThe alpha panel test checks uploads through the browser.\n\n- first point\n- second point\n")
    b = uploads / "beta.txt"
    b.write_text("Beta document\n\nA plain text file with a distinctive phrase: violet hummingbird.\n")
    slow = root / "slow"
    slow.mkdir(exist_ok=True)
    for i in range(slow_files):
        (slow / f"page-{i:02d}.txt").write_text(f"Slow file number {i}.\n\nIt only exists to keep the job busy.\n")
    return {"alpha": a, "beta": b, "slow": slow}


def notebook_copy(root: Path, source: Path = NOTEBOOK, *, replace: tuple[str, str] | None = None) -> Path:
    """A copy of a tutorial notebook (02_panel.ipynb by default) without outputs (stale widget views
    would show 'model not found' placeholders), with the tutorial's data folder next to it.
    ``replace``: one (old, new) text replacement in its code (an app with options, say)."""
    nb = json.loads(source.read_text())
    for cell in nb["cells"]:
        if replace and cell["cell_type"] == "code":
            cell["source"] = "".join(cell["source"]).replace(*replace)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    target = root / (source.name if replace is None else f"{source.stem}-custom.ipynb")
    target.write_text(json.dumps(nb, indent=1))
    data = NOTEBOOK.parent / "data"
    if data.is_dir():
        shutil.copytree(data, root / "data", dirs_exist_ok=True)
    return target


@dataclass
class JupyterEnv:
    env: dict[str, str]
    config_dir: Path


def jupyter_env(tmp: Path, api_url: str) -> JupyterEnv:
    """An environment with fresh Jupyter config/runtime dirs and the engine's URL."""
    config = tmp / "jupyter-config"
    runtime = tmp / "jupyter-runtime"
    config.mkdir(parents=True, exist_ok=True)
    runtime.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_RUNTIME_DIR=str(runtime),
        UNSTRUCTURED_API_URL=api_url,
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("UNSTRUCTURED_API_KEY", None)
    subprocess.run(
        [str(VENV_BIN / "jupyter"), "labextension", "disable", "@jupyterlab/apputils-extension:announcements"],
        env=env,
        check=False,
        capture_output=True,
        timeout=60,
    )
    return JupyterEnv(env=env, config_dir=config)


@dataclass
class WebServer:
    base: str
    token: str
    proc: subprocess.Popen
    log: Path


def launch(cmd: list[str], root: Path, jenv: JupyterEnv, log: Path, ready: Callable[[], bool], what: str) -> subprocess.Popen:
    """Start ``cmd`` in its own session (so teardown stops the server and its kernels) and
    wait until ``ready()``; stop it again if it never gets there."""
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, cwd=root, env=jenv.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(ready, 60, 0.1, f"{what} (log: {log})", proc)
    except BaseException:
        stop_process(proc)
        raise
    return proc


# The Jupyter front-ends served by ``jupyter <app>``: JupyterLab and Notebook 7 (both load
# the jupyterlab server extension, so the LabApp options apply to either).
JUPYTER_APPS = {"lab": "JupyterLab", "notebook": "Notebook 7"}


def start_jupyter(app: str, root: Path, jenv: JupyterEnv, log: Path) -> WebServer:
    """``jupyter lab`` or ``jupyter notebook`` on loopback with a random token, serving ``root``:
    no browser, the read-only extension manager (no PyPI lookups) and no news."""
    if app not in JUPYTER_APPS:
        raise ValueError(f"unknown Jupyter app {app!r}; expected one of {sorted(JUPYTER_APPS)}")
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        str(VENV_BIN / "jupyter"),
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=None",
    ]
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    proc = launch(cmd, root, jenv, log, ready, JUPYTER_APPS[app])
    return WebServer(base=base, token=token, proc=proc, log=log)


def start_voila(root: Path, notebook: Path, jenv: JupyterEnv, log: Path) -> WebServer:
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        str(VENV_BIN / "voila"),
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--Voila.token={token}",
        "--show_tracebacks=True",
    ]

    def ready() -> bool:  # Voila has no /api/status; GET / would execute the notebook
        with socket.socket() as s:
            s.settimeout(1)
            return s.connect_ex(("127.0.0.1", port)) == 0

    proc = launch(cmd, root, jenv, log, ready, "Voila")
    return WebServer(base=f"http://127.0.0.1:{port}", token=token, proc=proc, log=log)
