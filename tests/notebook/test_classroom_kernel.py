"""The classroom's rough edges in a real kernel: Ctrl-C in run.wait(), partial elements, names after attach, the key
prompt (the key in no output at all), and a table from before a restart marked as not updating.

The kernel starts with no API key: the engine requires one, and the only way in is the login prompt, driven here the
way the browser drives it (one custom message on the shell channel). Every iopub message is kept and searched for the
key at the end.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_magics_kernel import DATA, Kernel, _texts

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

KEY = "sk-classroom-login-9Tq4Vb2Lx7Rw5Zp1"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from unstructured_nb.local import serve

    server = serve(data_dir=tmp_path_factory.mktemp("classroom-engine"), api_key=KEY, workers=1, file_delay=0.5)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def kernel(engine: Any) -> Iterator[Kernel]:
    env = dict(os.environ)
    env.pop("UNSTRUCTURED_NB_NONINTERACTIVE", None)
    env.pop("UNSTRUCTURED_API_KEY", None)
    env["UNSTRUCTURED_API_URL"] = engine.url
    k = Kernel(env)
    try:
        reply, _ = k.execute("%load_ext unstructured_nb\nimport unstructured_nb")
        assert reply["content"]["status"] == "ok"
        yield k
    finally:
        leaked = [m["msg_type"] for m in k.messages if KEY in json.dumps(m, default=str)]
        k.stop()
        assert leaked == [], f"the API key appeared in iopub messages: {leaked}"


def _browser_sends(kernel: Kernel, comm_id: str, content: dict) -> None:
    """What a widget's front end sends: a custom comm message on the shell channel (never on iopub)."""
    msg = kernel.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}})
    kernel.kc.shell_channel.send(msg)


def test_the_key_prompt_keeps_the_key_out_of_every_output(kernel: Kernel):
    reply, msgs = kernel.execute("%unstructured_run partition data/field-notes.md --wait")
    assert reply["content"]["status"] == "error"
    refused = "\n".join(m["content"]["traceback"][0] for m in msgs if m["msg_type"] == "error")
    assert "%unstructured_login" in refused and "%env" not in refused and "Unstructured UI" not in refused

    reply, msgs = kernel.execute("%unstructured_login")
    shown = [m for m in msgs if m["msg_type"] in ("display_data", "execute_result")]
    assert reply["content"]["status"] == "ok" and len(shown) == 1
    data = shown[0]["content"]["data"]
    assert "password box" in data["text/plain"]
    comm_id = data["application/vnd.jupyter.widget-view+json"]["model_id"]
    _browser_sends(kernel, comm_id, {"kind": "key", "key": KEY})
    kernel.listen(lambda m: m["msg_type"] == "comm_msg" and "Key kept in memory" in json.dumps(m["content"]), timeout=30)

    reply, msgs = kernel.execute(
        "import os\nr = %unstructured_run partition data/field-notes.md --wait\n"
        "print(r.status.value, 'UNSTRUCTURED_API_KEY' in os.environ)\nprint(repr(unstructured_nb.Client()))"
    )
    text = _texts(msgs)
    assert "COMPLETED False" in text  # the key works, and it is not in the environment
    assert "api_key='***'" in text
    reply, msgs = kernel.execute("%unstructured_login sk-typed-on-the-line")
    assert reply["content"]["status"] == "error"
    answers = [m["content"] for m in msgs if m["msg_type"] != "execute_input"]  # the kernel echoes the code itself
    assert "sk-typed-on-the-line" not in json.dumps(answers)  # our answer never repeats the line


def test_ctrl_c_in_run_wait_is_the_same_paragraph_as_during_wait(kernel: Kernel, tmp_path: Path):
    # the key as login() keeps it, read from a file so that it is never in a message (and this
    # test does not depend on the login test running first)
    (tmp_path / "key").write_text(KEY)
    key_file = str(tmp_path / "key")
    kernel.execute(
        f"import pathlib, unstructured_nb\nunstructured_nb.login(prompt=lambda _: pathlib.Path({key_file!r}).read_text())"
    )
    reply, _ = kernel.execute("slow = %unstructured_run partition data/ data/ data/")
    assert reply["content"]["status"] == "ok"
    msg_id = kernel.kc.execute("slow.wait()")
    kernel.listen(lambda m: m["msg_type"] == "status" and m["parent_header"].get("msg_id") == msg_id, timeout=30)
    time.sleep(0.5)  # "busy" comes before the cell runs: press Ctrl-C once wait() is blocking, as a user would
    kernel.km.interrupt_kernel()
    got = kernel.listen(
        lambda m: (
            m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" and m["parent_header"].get("msg_id") == msg_id
        ),
        timeout=60,
    )
    (error,) = [m for m in got if m["msg_type"] == "error" and m["parent_header"].get("msg_id") == msg_id]
    traceback = error["content"]["traceback"]
    assert len(traceback) == 1, traceback  # one paragraph, not 25 lines through threading internals
    paragraph = traceback[0]
    assert paragraph.startswith("Stopped waiting. Job ") and "still running on the server" in paragraph
    assert "`slow.cancel()`" not in paragraph and "run.cancel()" in paragraph and "--attach" in paragraph

    # the elements finished so far, with a one-line note; strict=True is the short error
    _, msgs = kernel.execute("part = slow.elements()\nprint('rows', len(part) >= 0)")
    notes = [m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]
    assert len(notes) == 1 and notes[0].count("\n") == 1 and "finished so far" in notes[0], notes
    _, msgs = kernel.execute("slow.elements(strict=True)")
    (strict,) = [m for m in msgs if m["msg_type"] == "error"]
    assert len(strict["content"]["traceback"]) == 1 and "still" in strict["content"]["traceback"][0]
    _, msgs = kernel.execute("slow.cancel()")
    assert "Cancel requested for job" in _texts(msgs)


def test_attach_shows_file_names_not_ids(kernel: Kernel):
    _, msgs = kernel.execute(
        "done = %unstructured_run partition data/field-notes.md data/sales.csv --wait\n"
        "again = %unstructured_run --attach {done.job_id}\nprint('names', again.files)"
    )
    text = _texts(msgs)
    assert "names ['field-notes.md', 'sales.csv']" in text
    shown = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
    assert "field-notes.md, sales.csv" in shown[-1]["content"]["data"]["text/plain"]


def test_a_table_from_before_a_restart_is_marked_as_not_updating(kernel: Kernel):
    _, msgs = kernel.execute("long = %unstructured_run partition data/ data/ data/ data/")
    (table,) = [m for m in msgs if m["msg_type"] == "display_data"]
    display_id = table["content"]["transient"]["display_id"]
    kernel.km.restart_kernel(now=False)  # a polite restart, as the Restart button asks for
    got = kernel.listen(
        lambda m: m["msg_type"] == "update_display_data" and "not updating" in m["content"]["data"]["text/plain"],
        timeout=60,
    )
    last = got[-1]
    assert last["content"]["transient"]["display_id"] == display_id
    text = last["content"]["data"]["text/plain"]
    assert "(not updating)" in text and "was restarted at" in text and "%unstructured_run --attach" in text
    assert "not updating" in last["content"]["data"]["text/html"]
    kernel.kc.wait_for_ready(timeout=60)
    kernel.execute(f"%load_ext unstructured_nb\nimport unstructured_nb\nimport os\nos.chdir({str(DATA.parent)!r})")
