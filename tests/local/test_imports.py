"""Import weight, each in a fresh interpreter: ``local`` never loads notebook libraries, and loads FastAPI only to serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.local.engine_http import child_env

pytestmark = pytest.mark.slow  # a subprocess each: not part of the fast unit tests


def _run(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=timeout)


def test_package_import_is_cheap() -> None:
    heavy = ("fastapi", "uvicorn", "starlette", "pydantic", "IPython", "pandas", "ipywidgets")
    out = _run(
        "import sys, unstructured_nb.local, unstructured_nb.local.discovery, unstructured_nb.local.cli; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    assert out.stdout.strip() == "[]", out.stderr


def test_nodes_module_stays_light() -> None:
    heavy = ("IPython", "pandas", "ipywidgets", "pypdf", "docx", "pptx", "openpyxl", "lxml", "cmarkgfm")
    out = _run(f"import sys, unstructured_nb.local.nodes; print(sorted(m for m in {heavy!r} if m in sys.modules))")
    assert out.stdout.strip() == "[]", out.stderr


@pytest.mark.engine
def test_running_engine_never_imports_notebook_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, httpx\n"
        "from unstructured_nb.local import serve\n"
        f"s = serve(data_dir={str(tmp_path)!r}, workers=1)\n"
        "wf = httpx.get(s.url + '/api/v1/workflows/').json()[0]['id']\n"
        "files = {'input_files': ('a.txt', b'Hi there.')}\n"
        "assert httpx.post(s.url + f'/api/v1/workflows/{wf}/run', files=files).status_code == 202\n"
        "s.stop()\n"
        "print(sorted(m for m in ('IPython', 'pandas', 'ipywidgets') if m in sys.modules))\n"
    )
    out = _run(code, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr
