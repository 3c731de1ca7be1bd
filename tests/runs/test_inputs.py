"""The one expansion of input paths: every rule, and what is reported (nothing sent on a problem)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI
from unstructured_nb.client import Client
from unstructured_nb.errors import InputFileError
from unstructured_nb.runs import expand, split_field, start_run


@pytest.fixture
def data(tmp_path: Path) -> Path:
    for name in ("a.pdf", "b.pdf", "notes.txt", "tool.exe", ".hidden.md"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("# C")
    (tmp_path / "sub" / "deep").mkdir()
    (tmp_path / "sub" / "deep" / "d.md").write_text("# D")
    (tmp_path / "empty").mkdir()
    return tmp_path


def names(inputs) -> list[str]:
    return [f.name for f in inputs.files]


def test_a_folder_names_its_own_supported_files_not_hidden_ones_nor_subfolders(data: Path):
    inputs = expand([str(data)])
    assert names(inputs) == ["a.pdf", "b.pdf", "notes.txt"]
    assert inputs.skipped == (str(data / "tool.exe"),) and "tool.exe" in (inputs.note or "")
    assert inputs.problems == ()


def test_a_glob_matching_a_folder_names_the_folders_files(data: Path):
    assert names(expand([str(data / "*")])) == ["a.pdf", "b.pdf", "notes.txt", "c.md"]
    assert names(expand([str(data / "**" / "*.md")])) == ["c.md", "d.md"]  # ** reaches any depth
    assert names(expand([str(data / ".*.md")])) == [".hidden.md"]  # a pattern that spells the dot


def test_every_file_once_at_its_first_mention(data: Path):
    assert names(expand([str(data), str(data / "a.pdf"), str(data / "*.pdf")])) == ["a.pdf", "b.pdf", "notes.txt"]
    os.symlink(data / "a.pdf", data / "sub" / "link.pdf")
    assert names(expand([str(data / "a.pdf"), str(data / "sub" / "link.pdf")])) == ["a.pdf"]  # same real file


def test_a_file_named_on_its_own_is_always_sent(data: Path):
    assert names(expand([str(data / "tool.exe"), str(data / ".hidden.md")])) == ["tool.exe", ".hidden.md"]


def test_relative_paths_start_at_the_working_directory(data: Path):
    inputs = expand(["sub/c.md", "*.pdf"], cwd=data)
    assert names(inputs) == ["c.md", "a.pdf", "b.pdf"]
    assert [f.shown for f in inputs.files] == ["sub/c.md", "a.pdf", "b.pdf"]
    assert all(f.path is not None and f.path.is_absolute() for f in inputs.files)


def test_problems_are_all_listed_at_once(data: Path):
    inputs = expand([str(data / "missing.pdf"), str(data / "*.docx"), str(data / "empty"), str(data / "a.pdf")])
    assert names(inputs) == ["a.pdf"]
    assert inputs.problems == (
        f"{data / 'missing.pdf'} (not found)",
        f"{data / '*.docx'} (no file matches this pattern)",
        f"{data / 'empty'} (the folder has no files)",
    )
    with pytest.raises(InputFileError) as info:
        inputs.check()
    assert "no job was created" in str(info.value) and "missing.pdf (not found)" in str(info.value)


def test_an_unreadable_file_is_a_problem(data: Path, monkeypatch: pytest.MonkeyPatch):
    # as another user sees a 0600 file (root, which runs CI, can read everything)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("a.pdf") else real_access(p, mode))
    assert expand([str(data / "a.pdf")]).problems == (f"{data / 'a.pdf'} (not readable (permission denied))",)


def test_no_files_at_all_is_an_error_that_says_what_was_left_out(data: Path):
    (data / "only").mkdir()
    (data / "only" / "x.exe").write_bytes(b"x")
    with pytest.raises(InputFileError, match="Left out 1 file"):
        expand([str(data / "only")]).check()


def test_in_memory_files_pass_through_one_entry_each(data: Path):
    upload = {"name": "u.txt", "type": "text/plain", "size": 1, "content": memoryview(b"x")}
    with open(data / "notes.txt", "rb") as fh:
        inputs = expand([("x.txt", b"hi"), upload, fh])
        assert [(f.name, f.size) for f in inputs.files] == [("x.txt", 2), ("u.txt", 1), ("notes.txt", None)]
        assert inputs.items == [("x.txt", b"hi"), upload, fh]
        assert expand(fh).items == [fh] and fh.tell() == 0  # a lone open file is one file, not its lines
    assert expand(("x.txt", b"hi")).items == [("x.txt", b"hi")]


def test_the_path_field_splits_on_spaces_and_honours_quotes():
    assert split_field('a.pdf "my file.md"  data/') == ["a.pdf", "my file.md", "data/"]
    assert split_field('"unbalanced.md') == ['"unbalanced.md']


def test_a_bad_path_sends_nothing(fake: FakeAPI, client: Client, data: Path):
    with pytest.raises(InputFileError):
        start_run("partition", [str(data / "missing.pdf")], client=client)
    assert fake.requests == []


def test_a_root_confines_every_path_glob_and_symlink(tmp_path: Path):
    from unstructured_nb.runs import expand

    course = tmp_path / "course"
    (course / "week1").mkdir(parents=True)
    (course / "week1" / "notes.md").write_text("# Notes")
    (course / "syllabus.txt").write_text("syllabus")
    secret = tmp_path / "secret.txt"
    secret.write_text("token=abc")
    (course / "leak.txt").symlink_to(secret)  # a symlink out of the root
    (course / "week1" / "passwd").symlink_to("/etc/passwd")
    (course / "inner.txt").symlink_to(course / "syllabus.txt")  # a symlink that stays inside is fine

    got = expand(["syllabus.txt", "week1/notes.md", "inner.txt"], root=course)
    assert [f.name for f in got.files] == ["syllabus.txt", "notes.md"] and not got.problems  # inner.txt is syllabus.txt again
    assert [f.shown for f in got.files] == ["syllabus.txt", "week1/notes.md"]

    assert expand(["~/.bashrc"], root=course).problems == ("~/.bashrc (not found)",)  # ~ is a name in the root, not home
    for entry in ("/etc/passwd", "../secret.txt", "leak.txt", "week1/passwd", str(secret), "/etc/nothing-here"):
        refused = expand([entry], root=course)
        assert not refused.files, entry
        assert len(refused.problems) == 1 and "outside the folder files may come from" in refused.problems[0], entry
    assert expand(["/etc/*"], root=course).problems == ("/etc/* (outside the folder files may come from)",)
    globbed = expand(["*", "week1/*", "/etc/*"], root=course)
    real = sorted(str(Path(f.path).resolve()) for f in globbed.files if f.path)
    assert real == sorted(str(p.resolve()) for p in (course / "week1" / "notes.md", course / "syllabus.txt"))
    assert all("token" not in p and "root:" not in p for p in globbed.problems)
