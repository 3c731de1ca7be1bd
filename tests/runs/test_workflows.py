"""Finding a workflow by name or id: exact matches, close matches, ambiguity, ids beyond the listing."""

from __future__ import annotations

import pytest

from tests.fake_api import FakeAPI, Reply
from unstructured_nb.client import Client
from unstructured_nb.errors import WorkflowLookupError
from unstructured_nb.models import Workflow
from unstructured_nb.runs import lookup, resolve_workflow

from .conftest import workflow


def test_workflow_by_id_or_exact_name(fake: FakeAPI, client: Client):
    chunk = workflow(fake, "partition-and-chunk")
    assert resolve_workflow(client, chunk["id"]).name == "partition-and-chunk"
    assert resolve_workflow(client, " partition ").id == workflow(fake)["id"]


def test_unknown_workflow_lists_close_matches(client: Client):
    with pytest.raises(WorkflowLookupError) as info:
        resolve_workflow(client, "partiton")
    text = str(info.value)
    assert "'partiton'" in text and "Did you mean 'partition'" in text and "?." not in text  # one sentence ends once


def test_no_close_match_lists_what_there_is():
    with pytest.raises(WorkflowLookupError) as info:
        lookup([Workflow(id="w1", name="alpha"), Workflow(id="w2", name="beta")], "zzz")
    assert "Available workflows: 'alpha', 'beta'" in str(info.value)


def test_ambiguous_name_lists_the_ids():
    with pytest.raises(WorkflowLookupError) as info:
        lookup([Workflow(id="w1", name="same"), Workflow(id="w2", name="same")], "same")
    assert "w1" in str(info.value) and "w2" in str(info.value) and "id" in str(info.value)


def test_an_id_beyond_the_listed_page_is_asked_for(fake: FakeAPI, client: Client):
    listed = list(fake.workflows.values())
    hidden = fake.add_workflow("hidden")
    fake.script("GET", "/api/v1/workflows/", Reply(200, listed))  # the first page does not hold it
    assert resolve_workflow(client, hidden["id"]).name == "hidden"
    assert fake.count("GET", f"/api/v1/workflows/{hidden['id']}") == 1
