"""pretty_json is json.dumps(indent=2, sort_keys=True) for whatever json.loads returns, on both of its paths."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from unstructured_nb.local.partition import FileProcessingError
from unstructured_nb.local.partition._json_pretty import load_json, pretty_json

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
    "\u2028 \u00ff \ud7ff \ue000 \uffff",
    "\ud800",  # a lone surrogate: json.loads makes one of "\\ud800"
    2**64,
    -(2**63) - 1,
    2**63 - 1,
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
    assert pretty_json(value) == json.dumps(value, indent=2, sort_keys=True)


def test_random_documents() -> None:
    rng = random.Random(10)
    for _ in range(2000):
        value = _value(rng, 0)
        assert pretty_json(value) == json.dumps(value, indent=2, sort_keys=True)


def test_too_deep_is_a_file_error() -> None:
    value: list[Any] = []
    current = value
    for _ in range(5000):
        current.append([])
        current = current[0]
    with pytest.raises(FileProcessingError, match="nested too deeply"):
        pretty_json(value)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(map(_has_float, value.values()))
    if isinstance(value, list):
        return any(map(_has_float, value))
    return False


def test_random_documents_through_orjson_when_they_hold_no_float() -> None:
    rng = random.Random(11)
    checked = 0
    for _ in range(3000):
        value = _value(rng, 0)
        source = json.dumps(value, indent=rng.choice([None, 2]), ensure_ascii=rng.random() < 0.5)
        loaded, floats = load_json(source)
        assert floats == _has_float(value)
        if floats:
            continue
        checked += 1
        assert pretty_json(loaded, floats=False) == json.dumps(value, indent=2, sort_keys=True), source
    assert checked > 500  # the float-free path was exercised, not skipped


@pytest.mark.parametrize("source", ["1.5", "[1e5]", '{"a": -0.0}', '{"a" : 2E-3}', "[1, NaN]", "[-Infinity]", "[\n  3.25\n]"])
def test_float_literals_are_noticed(source: str) -> None:
    assert load_json(source)[1]


@pytest.mark.parametrize("source", ['{"a": "1.5"}', "[1, 2, -3]", '{"e": "x, 2e5"}', '"NaN"', "[]"])
def test_strings_and_integers_are_not_floats(source: str) -> None:
    assert load_json(source) == (json.loads(source), False)
