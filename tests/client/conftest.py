"""Fixtures of the client tests: the fake API on a real loopback server, per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_api import FakeAPI, LoopbackServer

# A distinctive key: any appearance of it in output is a leak.
SECRET_KEY = "sk-TEST-5ecr3t-KEY-9f8e7d6c5b4a"


class SleepRecorder:
    """Stands in for time.sleep in the retry loop: records each wait, barely waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with FakeAPI().serve() as srv:
        yield srv


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()
