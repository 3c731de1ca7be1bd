"""Fixtures of the runs tests: the fake API with the engine's two workflows, a real client on it, a quick tracker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.models import Job
from unstructured_nb.runs import PollPolicy, Run, Tracker

PROGRESS = ("SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED")


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake() -> FakeAPI:
    api = FakeAPI(progress=PROGRESS)
    api.add_workflow("partition")
    api.add_workflow(
        "partition-and-chunk",
        workflow_nodes=[
            {"id": "n-partition", "name": "Partitioner", "type": "partition", "subtype": "fast"},
            {"id": "n-chunk", "name": "Chunker", "type": "chunk", "subtype": "chunk_by_title"},
        ],
    )
    return api


@pytest.fixture
def client(fake: FakeAPI) -> Iterator[Client]:
    with fake.client() as c:
        yield c


def quick_tracker() -> Tracker:
    return Tracker(PollPolicy(initial=0.01, cap=0.02, max_rate=1000, burst=1000))


def workflow(fake: FakeAPI, name: str = "partition") -> dict[str, Any]:
    return next(w for w in fake.workflows.values() if w["name"] == name)


def job_run(
    fake: FakeAPI, client: Client, statuses: list[str] | None = None, *, files: tuple[str, ...] = ("a.txt",), **kw: Any
) -> Run:
    """A job of 'partition' in the fake, and a Run following it (statuses: what its polls report)."""
    job = fake.add_job(workflow(fake), files)
    if statuses is not None:
        fake.set_statuses(job["id"], statuses)
    return Run(Job.from_api(job), client, files=list(files), **kw)
