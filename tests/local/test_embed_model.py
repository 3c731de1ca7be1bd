"""The local embedding model: loaded from inside the wordllama wheel, offline, deterministic, and quiet."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from unstructured_nb.local import embed_model


def test_the_wheel_ships_tokenizers_where_its_loader_does_not_look() -> None:
    import wordllama
    from wordllama import WordLlama

    package = Path(wordllama.__file__).parent
    assert (package / "tokenizers" / "l2_supercat_tokenizer_config.json").is_file()
    assert (package / "weights" / "l2_supercat_256.safetensors").is_file()
    assert not (package / "tokenizer").exists()  # the folder wordllama 0.4.0.post1 looks in
    with pytest.raises(FileNotFoundError, match="Tokenizer file"):
        WordLlama.load(disable_download=True, cache_dir=package / "no-such-cache")
    assert embed_model.load_model() is not None  # ours finds both bundled files


def test_vectors_are_unit_length_deterministic_and_256_wide() -> None:
    first = embed_model.embed_texts(["A harbor survey", "", "bicycles"])
    again = embed_model.embed_texts(["A harbor survey", "", "bicycles"])
    assert first == again and [len(v) for v in first] == [256, 256, 256]
    assert abs(sum(x * x for x in first[0]) - 1.0) < 1e-6 and set(first[1]) == {0.0}


@pytest.mark.slow  # a fresh interpreter: 1-2 s
def test_importing_the_model_leaves_the_root_logger_alone() -> None:
    code = textwrap.dedent(
        """
        import logging
        from unstructured_nb.local.embed_model import embed_texts
        embed_texts(["x"])
        root = logging.getLogger()
        print(len(root.handlers), root.level)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["0", str(logging.WARNING)]


@pytest.mark.slow  # a fresh interpreter: 1-2 s
def test_it_loads_with_no_network_at_all(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("no network in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from unstructured_nb.local.embed_model import embed_texts
        print(len(embed_texts(["offline works"])[0]))
        """
    )
    env = {"HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "256"
    assert not (tmp_path / ".cache").exists()  # nothing was fetched into a cache
