"""structured._pretty is json.dumps(indent=2, sort_keys=True) for whatever json.loads returns."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from unstructured_nb.local.partition import FileProcessingError
from unstructured_nb.local.partition.structured import _pretty

_SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -3,
    10**30,
    2.5,
    1e-9,
    -0.0,
    1e308,
    "",
    "x",
    'é\n\t"\\',
    "\U0001f600",
    "\x00\x1f\x7f",
]


def _value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 5 or roll < 0.35:
        return rng.choice(_SCALARS)
    if roll < 0.65:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["a", "b", "B", "é", "1", "", "zz"]): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


@pytest.mark.parametrize(
    "source",
    ["NaN", "[Infinity, -Infinity, 1e308, -0.0, 1.5]", '{"b": {}, "a": [], "c": [[]], "z": [true, false, null]}', '""', "0"],
)
def test_special_values(source: str) -> None:
    value = json.loads(source)
    assert _pretty(value) == json.dumps(value, indent=2, sort_keys=True)


def test_random_documents() -> None:
    rng = random.Random(10)
    for _ in range(2000):
        value = _value(rng, 0)
        assert _pretty(value) == json.dumps(value, indent=2, sort_keys=True)


def test_too_deep_is_a_file_error() -> None:
    value: list[Any] = []
    current = value
    for _ in range(5000):
        current.append([])
        current = current[0]
    with pytest.raises(FileProcessingError, match="nested too deeply"):
        _pretty(value)
