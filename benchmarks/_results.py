"""Keep the latest figures of each benchmark in benchmarks/RESULTS.md, one section per benchmark."""

from __future__ import annotations

import platform
import re
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
_HEADER = "# Benchmark results\n\nThe latest run of each benchmark, written by the benchmark itself. Ratios compare against a baseline measured in the same run.\n"


def update_results(name: str, markdown: str) -> None:
    """Replace (or add) the section of benchmark ``name`` with ``markdown``."""
    text = RESULTS.read_text() if RESULTS.exists() else _HEADER
    stamp = f"_{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, {platform.machine()}_"
    block = f"<!-- bench:{name} -->\n{markdown.rstrip()}\n\n{stamp}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
