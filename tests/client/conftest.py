"""Fixtures of the client tests: a recording loopback server per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .recording_server import RecordingServer

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
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()
