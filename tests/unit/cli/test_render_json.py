"""The streamed JSON writer: the same text as `json.dumps(indent=2)`, written in pieces."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from generated import labels_only

from guarantees.cli import render_json
from guarantees.model import load, loads
from guarantees.model.exact.evaluate import evaluate
from guarantees.model.exact.results import PackageList, materialize

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = [
    ROOT / "tests" / "data" / "format-example.yaml",
    *sorted(ROOT.glob("scenarios/*.yaml")),
]


def _written(document: dict[str, Any]) -> str:
    out: list[str] = []
    render_json.write(document, out.append)
    return "".join(out)


@pytest.mark.parametrize("top", [None, 1])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_streamed_result_is_the_text_of_its_json(
    path: Path, top: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_json, "PIECE", 64)  # many pieces
    result = evaluate(load(path))
    streamed = _written({"files": [{"result": result.json_stream(top=top)}]})
    assert streamed == render_json.dumps({"files": [{"result": result.to_json(top=top)}]})


def test_empty_and_nested_iterators() -> None:
    document = {"a": iter([]), "b": {}, "c": [iter([1, {"d": iter(["é"])}])], "e": None}
    assert _written(document) == render_json.dumps(
        {"a": [], "b": {}, "c": [[1, {"d": ["é"]}]], "e": None}
    )


def test_writing_every_tied_package_holds_none_of_them_whole() -> None:
    result = evaluate(loads(labels_only(14)))  # 16,384 packages, each listed twice
    tracemalloc.start()
    try:
        size = 0

        def count(piece: str) -> None:
            nonlocal size
            size += len(piece)

        render_json.write({"result": result.json_stream()}, count)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size > 5_000_000
    assert peak < size / 2


@pytest.mark.parametrize("top", [None, 2])
@pytest.mark.parametrize(
    "text",
    [*(p.read_text(encoding="utf-8") for p in SCENARIOS), labels_only(9)],
    ids=[*(p.stem for p in SCENARIOS), "ties"],
)
def test_packages_written_from_their_arrays_are_the_encoders_text(
    text: str, top: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte the text of `json.dumps(indent=2)`, across pieces and batches."""
    monkeypatch.setattr(render_json, "PIECE", 100)
    monkeypatch.setattr(render_json, "BATCH", 3)
    result = evaluate(loads(text))
    entry = render_json.ok_entry("s.yaml", result, top=top)
    expected = render_json.dumps({"files": [materialize(entry)]})
    assert _written({"files": [render_json.ok_entry("s.yaml", result, top=top)]}) == expected
    assert expected == render_json.dumps(
        {"files": [{"file": "s.yaml", "ok": True, "result": result.to_json(top=top)}]}
    )


def test_a_value_the_encoder_refuses_is_refused_the_same_way() -> None:
    packages = PackageList(("a", "b"), np.array([1, 3], dtype=np.uint64), ("m",),
                           np.array([[0.5], [np.nan]]))  # fmt: skip
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        _written({"x": render_json.PackageItems(packages)})
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        render_json.dumps({"x": [p.to_json() for p in packages]})
