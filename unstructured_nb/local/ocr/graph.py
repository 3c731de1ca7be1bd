"""Equivalent, faster forms of the shipped PP-OCRv4 graphs (scalar affine steps folded into convolutions), cached on disk.

The PP-OCRv4 models (PPLCNetV3 backbone) follow every convolution with a "learnable affine
block" (a multiply and an add by one scalar each) and a hard-swish written out as four
element-wise operators, then another affine block. onnxruntime fuses none of it, so it runs a
dozen full passes over each feature map per layer and leaves its blocked (NCHWc) layout around
every convolution (measured: element-wise operators and layout reorders were 67% of the
recognizer's time). Every rewrite here is exact algebra on the weights:

- ``conv -> *a -> +b`` becomes the convolution with weights ``a*W`` and bias ``a*bias + b``;
- ``x * clip(x + 3, 0, 6) / 6`` becomes ``x * HardSigmoid(x)`` (alpha 1/6, beta 1/2), which
  onnxruntime fuses into the convolution before it;
- ``*a``/``+b`` in front of an unpadded convolution fold into its weights and bias
  (``W*(a*x + b) = (a*W)*x + b*sum(W)``); in front of a zero-padded one (where the border would
  change) they become one 1x1 depthwise convolution, which stays in the blocked layout.

The rewritten model is checked against the shipped one on a fixed input before it is used, and
written under the user's cache directory (private permissions), keyed by the source's SHA-256.
Nothing is downloaded: the source is the model file in rapidocr-onnxruntime's wheel.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

#: Bumped whenever the rewrite changes, so an older cached model is not reused.
VERSION = 1
#: Environment variable: a directory for the rewritten models instead of the user's cache directory.
ENV_CACHE = "UNSTRUCTURED_NB_CACHE_DIR"
#: Largest difference allowed between the shipped and the rewritten model's outputs on the check input.
TOLERANCE = 1e-3


def cache_dir() -> Path:
    base = os.environ.get(ENV_CACHE) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "unstructured_nb" / "ocr"


def fast_model(source: Path, check_shape: tuple[int, ...]) -> bytes | str:
    """The rewritten model for ``source`` (a path to load, or the serialized model when no cache is writable);
    ``source`` itself when the rewrite cannot be made or does not match it on a ``check_shape`` input."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:20]
    target = cache_dir() / f"{source.stem}-{digest}-v{VERSION}.onnx"
    if _trusted(target):
        return str(target)
    try:
        fused = rewrite(data)
        if not matches(data, fused, check_shape):
            return str(source)
    except Exception:  # onnx missing, or a model this rewrite does not know: the shipped one still works
        return str(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", suffix=".onnx", delete=False) as out:
            out.write(fused)  # NamedTemporaryFile creates it 0600
        os.replace(out.name, target)
    except OSError:
        return fused
    return str(target)


def _trusted(path: Path) -> bool:
    """The cached file exists, is ours and is writable by no one else (else it is rebuilt)."""
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022 and stat.st_size > 0


def matches(original: bytes, fused: bytes, shape: tuple[int, ...]) -> bool:
    """Both models give the same outputs (within :data:`TOLERANCE`) on a fixed pseudo-random input."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = 1
    feed = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    outputs = []
    for model in (original, fused):
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: feed}))
    return all(a.shape == b.shape and float(np.abs(a - b).max()) <= TOLERANCE for a, b in zip(*outputs, strict=True))


class _Graph:
    """The nodes of an ONNX graph with its constants as arrays, and who produces and consumes each tensor."""

    def __init__(self, graph: Any) -> None:
        from onnx import numpy_helper

        self.graph = graph
        self.consts: dict[str, Any] = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        for node in graph.node:
            if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.nodes = [n for n in graph.node if not (n.op_type == "Constant" and n.output[0] in self.consts)]
        self.outputs = {o.name for o in graph.output}
        self.added: dict[str, Any] = {}

    def consumers(self, name: str) -> list[Any]:
        return [n for n in self.nodes if name in n.input]

    def producer(self, name: str) -> Any:
        return next((n for n in self.nodes if name in n.output), None)

    def only_consumer(self, name: str) -> Any:
        found = self.consumers(name)
        return found[0] if len(found) == 1 and name not in self.outputs else None

    def scalar(self, node: Any) -> tuple[str, float] | None:
        """(the other input, the value) when ``node`` is a Mul or Add of a tensor and a one-element constant."""
        if node is None or node.op_type not in ("Mul", "Add") or len(node.input) != 2:
            return None
        tensors = [i for i in node.input if i not in self.consts]
        values = [self.consts[i] for i in node.input if i in self.consts]
        if len(tensors) != 1 or len(values) != 1 or values[0].size != 1 or values[0].dtype.kind != "f":
            return None
        return tensors[0], float(values[0].reshape(-1)[0])

    def constant(self, value: Any) -> str:
        import numpy as np

        name = f"fused_{len(self.added)}"
        self.added[name] = self.consts[name] = np.ascontiguousarray(value, dtype=np.float32)
        return name

    def weights(self, conv: Any) -> tuple[Any, Any] | None:
        import numpy as np

        weight = self.consts.get(conv.input[1])
        if weight is None or weight.ndim != 4 or weight.dtype != np.float32:
            return None
        bias = self.consts.get(conv.input[2]) if len(conv.input) > 2 and conv.input[2] else np.zeros(weight.shape[0], np.float32)
        return (weight, bias) if bias is not None else None

    def set_weights(self, conv: Any, data: str, weight: Any, bias: Any) -> None:
        inputs = [data, self.constant(weight), self.constant(bias)]
        del conv.input[:]
        conv.input.extend(inputs)


def _attribute(node: Any, name: str, default: Any) -> Any:
    from onnx import helper

    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def _padded(conv: Any) -> bool:
    auto = _attribute(conv, "auto_pad", b"NOTSET")
    return any(_attribute(conv, "pads", [])) or auto not in (b"NOTSET", b"VALID", "NOTSET", "VALID")


def fold_after_convs(g: _Graph) -> int:
    """``conv -> *a -> +b`` into the convolution's weights and bias."""
    count = 0
    for conv in [n for n in g.nodes if n.op_type == "Conv"]:
        while (found := g.scalar(nxt := g.only_consumer(conv.output[0]))) is not None and (pair := g.weights(conv)):
            weight, bias = pair
            _, value = found
            if nxt.op_type == "Mul":
                weight, bias = weight * value, bias * value
            else:
                bias = bias + value
            g.set_weights(conv, conv.input[0], weight, bias)
            conv.output[0] = nxt.output[0]
            g.nodes.remove(nxt)
            count += 1
    return count


def hard_swish(g: _Graph) -> int:
    """``x * clip(x + 3, 0, 6) / 6`` into ``x * HardSigmoid(x)``, which onnxruntime fuses into a convolution."""
    from onnx import helper

    def value(name: str) -> float | None:
        array = g.consts.get(name)
        return float(array.reshape(-1)[0]) if array is not None and array.size == 1 else None

    count = 0
    for add in [n for n in g.nodes if n.op_type == "Add"]:
        found = g.scalar(add)
        if found is None or found[1] != 3.0:
            continue
        x = found[0]
        clip = g.only_consumer(add.output[0])
        if clip is None or clip.op_type != "Clip" or [value(i) for i in clip.input[1:]] != [0.0, 6.0]:
            continue
        mul = g.only_consumer(clip.output[0])
        if mul is None or mul.op_type != "Mul" or sorted(mul.input) != sorted([x, clip.output[0]]):
            continue
        div = g.only_consumer(mul.output[0])
        if div is None or div.op_type != "Div" or div.input[0] != mul.output[0] or value(div.input[1]) != 6.0:
            continue
        at = g.nodes.index(add)
        for node in (add, clip, mul, div):
            g.nodes.remove(node)
        gate = helper.make_node("HardSigmoid", [x], [div.output[0] + ".gate"], alpha=1 / 6, beta=0.5)
        g.nodes[at:at] = [gate, helper.make_node("Mul", [x, gate.output[0]], [div.output[0]])]
        count += 1
    return count


def fold_before_convs(g: _Graph) -> int:
    """``*a``/``+b`` in front of a convolution: into an unpadded one's weights, else one 1x1 depthwise convolution."""
    from onnx import helper

    count = 0
    for conv in [n for n in g.nodes if n.op_type == "Conv"]:
        chain: list[tuple[Any, float]] = []  # nearest first
        data = conv.input[0]
        while (found := g.scalar(node := g.producer(data))) is not None and g.only_consumer(node.output[0]) is not None:
            chain.append((node, found[1]))
            data = found[0]
        pair = g.weights(conv)
        if not chain or pair is None:
            continue
        scale, shift = 1.0, 0.0  # the chain as one a*x + b, applied in graph order
        for node, v in reversed(chain):
            scale, shift = (scale * v, shift * v) if node.op_type == "Mul" else (scale, shift + v)
        for node, _ in chain:
            g.nodes.remove(node)
        weight, bias = pair
        if not _padded(conv):
            g.set_weights(conv, data, weight * scale, bias + shift * weight.sum(axis=(1, 2, 3)))
        else:
            import numpy as np

            channels = weight.shape[1] * int(_attribute(conv, "group", 1))
            inputs = [data, g.constant(np.full((channels, 1, 1, 1), scale)), g.constant(np.full(channels, shift))]
            affine = helper.make_node("Conv", inputs, [conv.input[0]], group=channels, kernel_shape=[1, 1])
            g.nodes.insert(g.nodes.index(conv), affine)
        count += len(chain)
    return count


def rewrite(model: bytes) -> bytes:
    """The serialized model with the rewrites above applied (raises if onnx is missing or the result is invalid)."""
    import onnx
    from onnx import numpy_helper

    proto = onnx.load_from_string(model)
    g = _Graph(proto.graph)
    if not fold_after_convs(g) + hard_swish(g) + fold_before_convs(g):
        raise ValueError("nothing to rewrite")
    used = {i for n in g.nodes for i in n.input} | g.outputs
    kept = [n for n in proto.graph.node if n.op_type == "Constant" and n.output[0] in used and n.output[0] not in g.added]
    initializers = [i for i in proto.graph.initializer if i.name in used]
    del proto.graph.node[:]
    proto.graph.node.extend([*kept, *g.nodes])
    del proto.graph.initializer[:]
    proto.graph.initializer.extend([*initializers, *(numpy_helper.from_array(v, k) for k, v in g.added.items() if k in used)])
    onnx.checker.check_model(proto)
    return bytes(proto.SerializeToString())


__all__ = ["ENV_CACHE", "TOLERANCE", "VERSION", "cache_dir", "fast_model", "matches", "rewrite"]
