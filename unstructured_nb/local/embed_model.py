"""The local embedding model: wordllama's 256-dimension static model, loaded from inside its wheel, never downloaded.

Used by the engine's embed node (``subtype: local``) and by ``run.search`` to embed a
question with the same model as the chunks. wordllama 0.4.0.post1 looks for its bundled
tokenizer in ``wordllama/tokenizer/`` while its wheel ships it in ``wordllama/tokenizers/``,
so its own offline load fails (and without ``disable_download`` it would fetch the file
from the network). Its loader checks a cache directory laid out as ``tokenizers/`` and
``weights/``, which is exactly the package folder: pointing the cache there, with downloads
disabled, loads both bundled files on any version that keeps them. Importing wordllama
also calls ``logging.basicConfig(level=INFO)``, which would turn on every library's INFO
logs in the user's kernel; the root logger is put back as it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["DIMENSIONS", "MODEL_NAME", "EmbeddingUnavailable", "embed_texts", "load_model"]

MODEL_NAME = "wordllama-l2-supercat-256"
DIMENSIONS = 256
_CONFIG = "l2_supercat"

_lock = threading.Lock()
_model: Any = None


class EmbeddingUnavailable(RuntimeError):
    """The local model cannot be loaded (wordllama missing, or its wheel lacks the bundled files)."""


def _import_wordllama() -> Any:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
    finally:  # undo the basicConfig wordllama runs at import
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return wordllama


def load_model() -> Any:
    """The model (loaded once per process), or :class:`EmbeddingUnavailable` saying what to install."""
    global _model
    with _lock:
        if _model is not None:
            return _model
        try:
            wordllama = _import_wordllama()
        except ImportError as exc:
            raise EmbeddingUnavailable(
                f"The local embedding model needs the wordllama package ({exc}); "
                "install it with pip install wordllama==0.4.0.post1"
            ) from None
        package = Path(wordllama.__file__).parent
        try:
            _model = wordllama.WordLlama.load(config=_CONFIG, dim=DIMENSIONS, cache_dir=package, disable_download=True)
        except (FileNotFoundError, ValueError, OSError) as exc:
            raise EmbeddingUnavailable(
                f"The wordllama wheel in {package} lacks its bundled {_CONFIG} model files ({exc}); "
                "reinstall it with pip install --force-reinstall wordllama==0.4.0.post1"
            ) from None
        return _model


def embed_texts(texts: Sequence[str], batch_size: int = 256) -> list[list[float]]:
    """One unit-length vector of ``DIMENSIONS`` floats per text (all zeros for a text with no tokens); deterministic."""
    import numpy as np

    if not texts:
        return []
    model = load_model()
    vectors = model.embed(list(texts), norm=False, batch_size=batch_size)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return [list(row) for row in unit.astype(np.float64).tolist()]
