"""login(): the key read without echo and kept in memory for the session, never in a widget trait or the environment."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client.session import forget, session_key
from unstructured_nb.notebook.login import KeyPrompt, login

KEY = "sk-login-unit-3Fh8Qw1Zr6Ty"


@pytest.fixture(autouse=True)
def _no_session_key() -> Iterator[None]:
    forget()
    yield
    forget()


def test_login_in_a_terminal_reads_without_echo_and_keeps_the_key_in_memory(capsys, monkeypatch):
    monkeypatch.delenv("UNSTRUCTURED_API_KEY", raising=False)
    prompts = []
    assert login(prompt=lambda text: prompts.append(text) or KEY) is None
    assert prompts == ["Unstructured API key (not shown as you type): "]
    assert "Key kept in memory for this session" in capsys.readouterr().out
    secret = session_key()
    assert secret is not None and secret.reveal() == KEY and repr(secret) == "'***'"
    assert KEY not in json.dumps(dict(os.environ))  # not in the environment, which child processes inherit

    fake = FakeAPI()
    fake.add_workflow("partition")
    with fake.client() as client:  # a client made without api_key sends the session's key
        client.list_workflows()
        assert KEY not in repr(client)
    assert fake.requests[-1].headers["unstructured-api-key"] == KEY


def test_an_empty_answer_or_ctrl_d_changes_nothing(capsys):
    assert login(prompt=lambda _: "   ") is None
    assert session_key() is None and "nothing changed" in capsys.readouterr().out

    def eof(_: str) -> str:
        raise EOFError

    login(prompt=eof)
    assert session_key() is None


def test_the_password_box_never_holds_the_key_in_a_trait():
    box = KeyPrompt()
    box.receive({"kind": "key", "key": KEY})
    assert box.status == "saved" and "Key kept in memory" in box.message
    state = json.dumps(box.get_state(), default=str)
    assert KEY not in state and KEY not in repr(box)
    assert session_key() is not None and session_key().reveal() == KEY  # type: ignore[union-attr]  # just set
    assert "password box" in box._repr_mimebundle_()[0]["text/plain"]
    KeyPrompt().receive({"kind": "key", "key": ""})
    assert session_key() is not None  # an empty box keeps the key there was


def test_login_can_set_the_api_url(monkeypatch):
    monkeypatch.setenv("UNSTRUCTURED_API_URL", "")  # recorded, so the URL login sets is undone after the test
    monkeypatch.delenv("UNSTRUCTURED_API_URL")
    login("https://platform.example.test ", prompt=lambda _: KEY)
    assert os.environ["UNSTRUCTURED_API_URL"] == "https://platform.example.test"
