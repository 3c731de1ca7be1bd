"""The package's public surface, its import cost, and the README/CI contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import unstructured_nb

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "ipywidgets", "httpx", "fastapi", "uvicorn", "pypdf", "docx", "numpy")


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_public_names_are_exported():
    for name in unstructured_nb.__all__:
        assert hasattr(unstructured_nb, name), name


def test_importing_the_package_loads_no_heavy_dependency():
    loaded = _modules_after("import unstructured_nb")
    assert not [m for m in HEAVY if m in loaded]


def test_load_ext_loads_no_heavy_dependency():
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'unstructured_nb')\n"
        "assert 'unstructured_run' in ip.magics_manager.magics['line']\n"
    )
    loaded = _modules_after(code)
    assert not [m for m in ("pandas", "ipywidgets", "httpx", "fastapi") if m in loaded]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    test_cmds = [b.strip() for b in blocks if "pytest" in b]
    assert len(test_cmds) == 1, "the README gives exactly one test command"
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmds[0] in ci
