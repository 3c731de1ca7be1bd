"""Fixtures of the panel tests: a real local engine, and (for browser tests) Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ._servers import ARTIFACTS, CHROMIUM_ARGS, require_chromium

# Each file takes at least this long on the shared engine: short enough for quick runs,
# long enough that a job with many files is still running when Cancel is clicked.
FILE_DELAY = 0.25


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real local engine on loopback (its own data dir), shared by the panel tests."""
    from unstructured_nb.local import serve

    server = serve(data_dir=tmp_path_factory.mktemp("panel-engine"), file_delay=FILE_DELAY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by playwright (never a downloaded browser).

    Module-scoped: playwright's sync API keeps an asyncio loop running in this thread,
    which must be gone before other tests call ``asyncio.run``.
    """
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, request: pytest.FixtureRequest) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                pg.screenshot(path=str(ARTIFACTS / f"fail-{request.node.name}.png"), full_page=True)
            except Exception:
                pass
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
