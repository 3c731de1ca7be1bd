"""Hints name the commands of the front end in use: the CLI's, the notebook's magics, or plain Python's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb import hints
from unstructured_nb.errors import NotFoundError, WorkflowLookupError
from unstructured_nb.runs import resolve_workflow


@pytest.fixture
def speaking() -> Iterator[None]:
    yield
    hints.speak("auto")


@pytest.mark.parametrize(
    ("front", "attach", "workflows"),
    [
        ("cli", "`unstructured-nb run --attach J1`", "`unstructured-nb workflows`"),
        ("notebook", "`%unstructured_run --attach J1`", "`%unstructured_workflows`"),
        ("python", "`unstructured_nb.attach('J1')`", "`client.list_workflows()`"),
    ],
)
def test_each_front_end_has_its_own_words(speaking, front: str, attach: str, workflows: str):
    hints.speak(front)
    assert hints.attach("J1") == attach and hints.list_workflows().startswith(workflows)
    paragraph = hints.stopped_waiting("J1", "IN_PROGRESS", done=False)
    assert paragraph.startswith("Stopped waiting. Job J1 is still running on the server (IN_PROGRESS)") and attach in paragraph
    assert "%env" not in hints.login()


def test_the_cli_typo_hint_names_the_cli_command(speaking):
    fake = FakeAPI()
    fake.add_workflow("partition")
    hints.speak("cli")
    with fake.client() as client, pytest.raises(WorkflowLookupError) as info:
        resolve_workflow(client, "partiton")
    assert "Did you mean 'partition'?" in str(info.value) and "`unstructured-nb workflows`" in str(info.value)
    assert "%unstructured" not in str(info.value)
    with fake.client() as client, pytest.raises(NotFoundError) as missing:
        client.get_job("0b6b2b3c-0000-4000-8000-000000000000")
    assert "`unstructured-nb jobs`" in str(missing.value)


def test_the_front_end_is_found_again_after_speak_auto(speaking):
    hints.speak("cli")
    hints.speak("auto")
    import IPython

    assert hints.front_end() == ("notebook" if IPython.get_ipython() is not None else "python")
