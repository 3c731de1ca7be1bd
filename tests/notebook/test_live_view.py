"""The live table's own marks: 'not updating' once its kernel stops, and the note a style hides while redraws go on."""

from __future__ import annotations

from tests.fake_api import FakeAPI
from unstructured_nb.models import Job
from unstructured_nb.notebook.live import QUIET_SECONDS, RunsView
from unstructured_nb.runs import Run


def test_a_running_table_carries_a_note_hidden_while_it_is_redrawn():
    fake = FakeAPI()
    wf = fake.add_workflow("partition")
    job = fake.add_job(wf, ["a.txt"], status="IN_PROGRESS")
    with fake.client() as client:
        run = Run(Job.from_api(job), client, files=["a.txt"])
        view = RunsView([run])
        html = view._repr_mimebundle_()["text/html"]
        assert "@keyframes unb-quiet" in html and f"animation:unb-quiet 0s linear {QUIET_SECONDS}s both" in html
        assert "Not redrawn for 2 min 00 s" in html and run.job_id in html
        view.stale = "The kernel that drew this table was restarted at 10:00:00 UTC, so it stopped updating."
        bundle = view._repr_mimebundle_()
        assert "IN_PROGRESS (not updating)" in bundle["text/plain"] and "was restarted at" in bundle["text/plain"]
        assert "unb-quiet" not in bundle["text/html"]  # marked for good: no timer needed
        run.finish()
        view.stale = None
        assert "unb-quiet" not in view._repr_mimebundle_()["text/html"]  # a finished table is final
