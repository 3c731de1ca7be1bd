"""The graph rewrite: exact on a small PPLCNetV3-like graph and on the shipped models, cached privately, checked before use."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from unstructured_nb.local.ocr import graph


def _const(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))


def _block_model() -> bytes:
    """conv -> *a +b -> hard-swish -> *c +d -> padded depthwise conv -> *e +f -> hard-swish -> *g +h -> 1x1 conv."""
    rng = np.random.default_rng(1)
    nodes = [
        _const("w0", rng.normal(size=(4, 3, 3, 3))),
        _const("b0", rng.normal(size=4)),
        _const("w1", rng.normal(size=(4, 1, 3, 3))),
        _const("b1", rng.normal(size=4)),
        _const("w2", rng.normal(size=(5, 4, 1, 1))),
        _const("b2", rng.normal(size=5)),
        _const("three", [3.0]),
        _const("zero", [0.0]),
        _const("six", [6.0]),
        *(_const(k, [v]) for k, v in zip("abcdefgh", (1.4, 0.6, 0.2, -0.3, 0.9, 0.1, 1.7, 0.5), strict=True)),
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], pads=[1, 1, 1, 1]),
    ]
    last = "c0"

    def affine_swish_affine(tag: str, a: str, b: str, c: str, d: str) -> str:
        nodes.extend(
            [
                helper.make_node("Mul", [a, last], [f"{tag}m"]),
                helper.make_node("Add", [f"{tag}m", b], [f"{tag}a"]),
                helper.make_node("Add", [f"{tag}a", "three"], [f"{tag}p3"]),
                helper.make_node("Clip", [f"{tag}p3", "zero", "six"], [f"{tag}cl"]),
                helper.make_node("Mul", [f"{tag}a", f"{tag}cl"], [f"{tag}hm"]),
                helper.make_node("Div", [f"{tag}hm", "six"], [f"{tag}hs"]),
                helper.make_node("Mul", [c, f"{tag}hs"], [f"{tag}m2"]),
                helper.make_node("Add", [f"{tag}m2", d], [f"{tag}out"]),
            ]
        )
        return f"{tag}out"

    last = affine_swish_affine("s0", "a", "b", "c", "d")
    nodes.append(helper.make_node("Conv", [last, "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], group=4))
    last = "c1"
    last = affine_swish_affine("s1", "e", "f", "g", "h")
    nodes.append(helper.make_node("Conv", [last, "w2", "b2"], ["y"]))
    model = helper.make_model(
        helper.make_graph(
            nodes,
            "block",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, None, None])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, None, None])],
        ),
        opset_imports=[helper.make_opsetid("", 12)],
    )
    model.ir_version = 7
    return model.SerializeToString()


def _run(model: bytes, feed: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.log_severity_level = 4
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": feed})[0]


def test_the_rewrite_folds_every_affine_step_and_keeps_the_outputs() -> None:
    original = _block_model()
    fused = graph.rewrite(original)
    ops = [n.op_type for n in onnx.load_from_string(fused).graph.node if n.op_type != "Constant"]
    # the padded depthwise conv keeps its input affine as one 1x1 depthwise conv; nothing else is left
    assert ops.count("Conv") == 4 and ops.count("Add") == 0 and ops.count("Div") == 0 and ops.count("Clip") == 0
    assert ops.count("HardSigmoid") == 2 and ops.count("Mul") == 2  # x * HardSigmoid(x), twice
    feed = np.random.default_rng(2).normal(size=(1, 3, 9, 13)).astype(np.float32)
    expected = _run(original, feed)
    assert np.abs(_run(fused, feed) - expected).max() < 1e-4 * max(1.0, float(np.abs(expected).max()))
    assert graph.matches(original, fused, (1, 3, 9, 13))


def test_a_graph_with_nothing_to_fold_is_refused() -> None:
    model = helper.make_model(
        helper.make_graph(
            [helper.make_node("Relu", ["x"], ["y"])],
            "plain",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        )
    )
    with pytest.raises(ValueError, match="nothing to rewrite"):
        graph.rewrite(model.SerializeToString())


def test_the_rewritten_model_is_cached_privately_and_an_untrusted_copy_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(graph.ENV_CACHE, str(tmp_path / "cache"))
    source = tmp_path / "block.onnx"
    source.write_bytes(_block_model())
    first = graph.fast_model(source, (1, 3, 8, 8))
    assert isinstance(first, str) and Path(first) != source and Path(first).parent == graph.cache_dir()
    assert os.stat(first).st_mode & 0o777 == 0o600 and graph.cache_dir().stat().st_mode & 0o777 == 0o700
    assert graph.fast_model(source, (1, 3, 8, 8)) == first  # reused
    Path(first).write_bytes(b"tampered")
    os.chmod(first, 0o666)  # writable by others: not trusted, rebuilt
    assert graph.fast_model(source, (1, 3, 8, 8)) == first
    assert Path(first).read_bytes() == graph.rewrite(_block_model())
    assert os.stat(first).st_mode & 0o777 == 0o600


def test_a_rewrite_that_does_not_match_the_source_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(graph.ENV_CACHE, str(tmp_path / "cache"))
    source = tmp_path / "block.onnx"
    source.write_bytes(_block_model())
    monkeypatch.setattr(graph, "TOLERANCE", -1.0)  # nothing can match
    assert graph.fast_model(source, (1, 3, 8, 8)) == str(source)
    assert not graph.cache_dir().exists() or not any(graph.cache_dir().iterdir())


def test_an_unwritable_cache_serves_the_rewritten_model_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(graph.ENV_CACHE, str(blocker))
    source = tmp_path / "block.onnx"
    source.write_bytes(_block_model())
    assert graph.fast_model(source, (1, 3, 8, 8)) == graph.rewrite(_block_model())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "shape"), [("det", (1, 3, 96, 160)), ("rec", (1, 3, 48, 320))])
def test_the_shipped_models_rewrite_exactly(name: str, shape: tuple[int, ...]) -> None:
    import rapidocr_onnxruntime

    source = Path(rapidocr_onnxruntime.__file__).resolve().parent / "models" / f"ch_PP-OCRv4_{name}_infer.onnx"
    original = source.read_bytes()
    fused = graph.rewrite(original)
    ops = [n.op_type for n in onnx.load_from_string(fused).graph.node]
    assert ops.count("Div") < [n.op_type for n in onnx.load_from_string(original).graph.node].count("Div") // 4
    assert graph.matches(original, fused, shape)
