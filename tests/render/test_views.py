"""One snapshot, three views: the text, HTML and DataFrame views show the same rows, names and counts."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from unstructured_nb.errors import AuthenticationError
from unstructured_nb.models import FailedFile, Job, JobDetails, NodeStats, Workflow
from unstructured_nb.render import RunSnapshot, runs_html, runs_text
from unstructured_nb.render.frames import jobs_frame, status_frame, workflows_frame
from unstructured_nb.render.style import STATUS_COLOURS, format_seconds, format_size
from unstructured_nb.render.tables import STATUS_COLUMNS, jobs_table, status_table

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


def job(job_id: str = "0123456789abcdef-job", status: str = "IN_PROGRESS", **extra: object) -> Job:
    data = {"id": job_id, "workflow_id": "wf", "workflow_name": "partition", "status": status, "created_at": T0.isoformat()}
    data.update(extra)
    return Job.from_api(data)


def snap(j: Job | None = None, **kw: object) -> RunSnapshot:
    args: dict[str, object] = {
        "workflow": "partition",
        "files": ["a.pdf", "b.md", "c.txt", "d.docx"],
        "details": None,
        "failed": None,
        "error": None,
        "last_polled": T0,
        "elapsed": 3.25,
        "finished": False,
    }
    args.update(kw)
    return RunSnapshot.of(j or job(), **args)  # type: ignore[arg-type]  # the test varies the fields


DETAILS = JobDetails(
    id="j",
    processing_status="IN_PROGRESS",
    node_stats=(
        NodeStats(node_name="Partitioner", node_type="partition", node_subtype="fast", ready=2, in_progress=1, success=1),
    ),
)


def test_the_three_views_show_the_same_row():
    s = snap(job(output_node_files=[{"node_id": "n", "file_id": "f1"}, {"node_id": "m", "file_id": "f1"}]))
    row = dict(zip(STATUS_COLUMNS, status_table([s]).rows[0], strict=True))
    assert row["outputs"] == "1 file"  # input files with an output, not node files
    assert row["input files"] == "a.pdf, b.md, c.txt (+1 more)" and row["elapsed"] == "3.2 s"
    frame = status_frame([s])
    assert tuple(frame.columns) == STATUS_COLUMNS and frame.iloc[0].to_dict() == row
    text, html_out = runs_text([s]), runs_html([s])
    for value in ("partition", "IN_PROGRESS", "1 file", "a.pdf, b.md, c.txt (+1 more)", "2026-01-01 12:00:00"):
        assert value in text and value in html_out
    assert text.splitlines()[0].split() == [
        "job_id",
        "workflow",
        "status",
        "created",
        "elapsed",
        "input",
        "files",
        "outputs",
        "last",
        "polled",
    ]


def test_progress_while_running_failed_files_notes_and_problems():
    running = snap(details=DETAILS)
    assert "Progress of job 01234567 (partition)" in runs_text([running])
    html_out = runs_html([running])
    assert "Partitioner (partition/fast)" in html_out and "1/4 done" in html_out and "width:25.0%" in html_out
    done = snap(job(status="FAILED"), details=DETAILS, failed=[FailedFile("bad.pdf", "PDF has no text <layer>")], finished=True)
    html_out = runs_html([done])
    assert "Failed files of job 01234567" in html_out and "&lt;layer&gt;" in html_out and "<layer>" not in html_out
    assert "Progress of job" in html_out  # one run with failures: its node counts stay
    completed = snap(job(status="COMPLETED"), details=DETAILS, finished=True)
    assert "Progress of job" not in runs_html([completed])
    noted = snap(job(status="COMPLETED"), details=JobDetails(id="j", processing_status="SUCCESS", message="hi_res ran as fast"))
    assert "hi_res ran as fast" in runs_text([noted]) and "hi_res ran as fast" in runs_html([noted])
    problem = snap(error=AuthenticationError("GET /api/v1/jobs/j was refused (401)", hint="Check UNSTRUCTURED_API_KEY"))
    assert "polling problem (still trying): GET /api/v1/jobs/j was refused (401). Check UNSTRUCTURED_API_KEY." in runs_text(
        [problem]
    )


def test_one_colour_per_status_in_every_html():
    for status, (fg, _bg) in STATUS_COLOURS.items():
        if status == "STARTING":
            continue
        out = runs_html([snap(job(status=status))])
        assert f'data-status="{status}"' in out and f"color:{fg}" in out
    odd = runs_html([snap(job(status="<PAUSED>"))])
    assert "&lt;PAUSED&gt;" in odd and "<PAUSED>" not in odd


def test_long_tables_are_cut_at_max_rows_in_both_views():
    many = [snap(job(f"job-{i:03d}-0123456789")) for i in range(60)]
    assert "… and 10 more rows" in runs_text(many, max_rows=50)
    assert runs_html(many, max_rows=5).count("<tr>") == 1 + 5 + 1  # header, rows, the "more" row
    assert "… and 55 more rows" in runs_html(many, max_rows=5)


def test_ids_are_short_in_html_with_the_whole_id_in_the_tooltip():
    out = runs_html([snap()])
    assert re.search(r'title="0123456789abcdef-job"><code>01234567</code>…', out)


def test_jobs_table_uses_the_status_tables_names_and_counts_input_files_with_outputs():
    j = job(
        status="COMPLETED",
        runtime="PT1M5S",
        input_file_ids=["f1", "f2"],
        output_node_files=[{"node_id": n, "file_id": f} for f in ("f1", "f2") for n in ("p", "c")],
    )
    table = jobs_table([j])
    assert table.columns == ("job_id", "workflow", "status", "created", "elapsed", "input files", "outputs")
    assert table.rows[0][4:] == ("1 min 05 s", "2", "2 files")  # 4 node files, 2 input files
    assert jobs_frame([j])["input files"].tolist() == [2]


def test_workflows_frame_lists_nodes():
    wf = Workflow.from_api(
        {
            "id": "w",
            "name": "p",
            "workflow_nodes": [{"type": "partition", "subtype": "fast"}, {"type": "chunk", "subtype": "by_title"}],
        }
    )
    assert workflows_frame([wf]).iloc[0]["nodes"] == "partition:fast -> chunk:by_title"


def test_durations_and_sizes_read_well():
    assert [format_seconds(s) for s in (None, 0.4, 12.34, 245, 3720)] == ["", "0.40 s", "12.3 s", "4 min 05 s", "1 h 02 min"]
    assert [format_size(n) for n in (None, 0, 999, 1500, 12_300_000, 2_000_000_000)] == [
        "?",
        "0 B",
        "999 B",
        "1.5 kB",
        "12.3 MB",
        "2.0 GB",
    ]
