"""The explorer page's data: every answer the page shows, as the model computed it, put in
`explain`'s words and packed for a page that only looks them up.

Nothing here decides a verdict: the per-package arrays come from model/explore (the exact
engine's `Batch`, `evaluate`, the robustness pass, the stability analysis). This module turns
them into text with the functions `explain`, `evaluate` and `stability` use (so that the page
and the terminal say the same thing in the same words), deduplicates the texts into tables,
and packs each per-package index as a little-endian typed array in base64, which the page's
script reads with `Uint8Array`, `Uint16Array`, `Uint32Array`, `Int32Array` or `Float32Array`.
A package's index is its file-order mask: bit i is the option at file position i.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantees.cli.report import metric_header, metric_number, miss_text, package_text, source_text
from guarantees.cli.report_explain import (
    constraint_entry,
    constraint_text,
    rules_text,
    verdicts_text,
)
from guarantees.cli.report_robustness import interval_text, percent
from guarantees.cli.report_stability import NOT_A_STATE, equilibrium_text
from guarantees.model.exact.points import ACCEPTABLE, STATUS_NAMES
from guarantees.model.exact.results import BoundMiss, Evaluation
from guarantees.model.exact.values import SCALE
from guarantees.model.explore.table import INFEASIBLE, WORD, ExploreTable
from guarantees.model.format.schema import Scenario
from guarantees.model.robustness.results import Estimate, Robustness
from guarantees.model.stability.conflict import CONCEPTS

#: Typed-array names of the page's script, by NumPy little-endian type.
ARRAY_TYPES = {"|u1": "u8", "<u2": "u16", "<u4": "u32", "<i4": "i32", "<f4": "f32"}
#: The status words of the page, by status code (exact.points' three, and a broken rule).
STATUS_WORDS = (*STATUS_NAMES, "breaks a rule")

#: Places on the picture are stored in 1/PLACE_SCALE of its units (points), as 16 bits.
PLACE_SCALE = 32
#: The stored place of a package off the picture (its metrics outside the axes).
OUTSIDE = 0xFFFF

#: Per stability concept, per package: whether it is an equilibrium.
Held = dict[str, NDArray[np.bool_]]


@dataclass(frozen=True)
class Chances:
    """Per package, in how many of `samples` draws every actor accepts it; the robustness
    result of the same draws (for the picture's layer)."""

    hits: NDArray[np.int64]
    samples: int
    result: Robustness


@dataclass(frozen=True)
class Picture:
    """The static trade-off picture (SVG) and where each package sits on it, in SVG units."""

    svg: bytes
    size: tuple[float, float]  # width and height of the SVG's view box
    at: NDArray[np.float32]  # (packages, 2): x and y of every package


@dataclass(frozen=True)
class Extras:
    """What the page shows where the scenario has it; a note (a sentence) where it does not."""

    chances: Chances | None = None
    chance_note: str | None = None
    equilibria: Held | None = None
    stability_note: str | None = None


def packed(array: NDArray[Any]) -> dict[str, Any]:
    """A typed array for the page: its type, its shape and its bytes in base64."""
    data = np.ascontiguousarray(array)
    kind = data.dtype.newbyteorder("<").str
    return {
        "type": ARRAY_TYPES[kind],
        "shape": list(data.shape),
        "data": base64.b64encode(data.astype(kind).tobytes()).decode("ascii"),
    }


def narrow(array: NDArray[np.int64], *, missing: bool = False) -> dict[str, Any]:
    """Non-negative integers packed in the narrowest unsigned type that holds them; with
    `missing`, -1 (none) is allowed and every value is stored plus one (0: none)."""
    values = array + 1 if missing else array
    top = int(values.max(initial=0))
    kind = np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.uint32
    return packed(values.astype(kind)) | {"missing": missing}


def indexed(keys: NDArray[Any], text: Callable[[Any], str]) -> dict[str, Any]:
    """Texts looked up by key: the distinct texts, and per key (row) the index of its text,
    in the narrowest unsigned type. `text` is called once per distinct key."""
    rows = keys.reshape(keys.shape[0], -1)
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    texts = [text(row if row.size > 1 else row[0]) for row in distinct]
    names, by_text = np.unique(np.array(texts, dtype=object), return_inverse=True)
    index = by_text[inverse.ravel()]
    return {"texts": [str(t) for t in names], "index": narrow(index.astype(np.int64))}


def page_data(
    file: str,
    scenario: Scenario,
    *,
    evaluation: Evaluation,
    table: ExploreTable,
    picture: Picture,
    extras: Extras,
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data."""
    return {
        "title": scenario.title,
        "file": file,
        "scenario": scenario.id,
        "hash": evaluation.scenario_hash,
        "counts": evaluation.counts.to_json(),
        "empty": package_text(()),
        "options": [{"id": o, "label": opt.label} for o, opt in scenario.options.items()],
        "actors": [{"id": a, "name": actor.name} for a, actor in scenario.actors.items()],
        "tests": _tests(scenario, table),
        "word": WORD,
        "failed": packed(table.failed),
        "status": packed(table.status.astype(np.uint8)),
        "statusWords": list(STATUS_WORDS),
        "rules": indexed(_broken_rules(table), lambda n: rules_text(int(n))),
        "verdicts": _verdicts(scenario, table),
        "metrics": _metrics(scenario, table),
        "misses": _misses(scenario, table),
        "nearest": narrow(table.nearest.package, missing=True),
        "distance": narrow(table.nearest.distance, missing=True),
        "concessions": [
            {
                "relax": ", ".join(c.label for c in found.constraints),
                "opens": package_text(found.package.options),
            }
            for found in evaluation.concessions
        ],
        "concession": narrow(table.concession, missing=True),
        "minimal": packed(table.minimal.astype(np.uint8)),
        "chance": _chances(extras),
        "stability": _stability(table, extras),
        "picture": _picture(picture),
    }


def _tests(scenario: Scenario, table: ExploreTable) -> list[dict[str, Any]]:
    """Every rule and constraint: label, kind, owner, what it says, its note and source."""
    actors = list(scenario.actors)
    out = []
    for test in table.tests:
        ref = test.ref
        out.append(
            {
                "label": ref.label,
                "kind": ref.kind,
                "actor": -1 if ref.actor is None else actors.index(ref.actor),
                "says": constraint_text(constraint_entry(scenario, ref)),
                "note": ref.note or "",
                "source": source_text(scenario, ref.source),
            }
        )
    return out


def _broken_rules(table: ExploreTable) -> NDArray[np.int64]:
    """How many rules each package breaks."""
    count = np.zeros(table.size, dtype=np.int64)
    for k, test in enumerate(table.tests):
        if test.ref.actor is None:
            count += _bit(table, k)
    return count


def _bit(table: ExploreTable, k: int) -> NDArray[np.bool_]:
    """Whether each package fails test k."""
    found: NDArray[np.bool_] = (table.failed[:, k // WORD] >> np.uint32(k % WORD)) & 1 == 1
    return found


def _verdicts(scenario: Scenario, table: ExploreTable) -> dict[str, Any]:
    """Explain's sentence on who rejects each package, looked up by (rejecting actors,
    acceptable)."""
    actors = list(scenario.actors)
    rejects = np.zeros((table.size, len(actors) + 1), dtype=np.bool_)
    for k, test in enumerate(table.tests):
        if test.ref.actor is not None:
            rejects[:, actors.index(test.ref.actor)] |= _bit(table, k)
    rejects[:, -1] = table.status == ACCEPTABLE

    def text(row: NDArray[np.bool_]) -> str:
        rejecting = [a for a, r in zip(actors, row[:-1], strict=True) if r]
        return verdicts_text(rejecting, len(actors), acceptable=bool(row[-1]))

    return indexed(rejects, text)


def _metrics(scenario: Scenario, table: ExploreTable) -> list[dict[str, Any]]:
    """Each metric: name, header, meaning, and every package's value as explain writes it."""
    out = []
    for m, name in enumerate(scenario.metrics):
        values = indexed(table.grid[:, m], functools.partial(_metric_text, scenario, name))
        label = scenario.metrics[name].label or ""
        out.append({"name": name, "header": metric_header(scenario, name), "meaning": label})
        out[-1].update(values)
    return out


def _metric_text(scenario: Scenario, metric: str, q: np.int64) -> str:
    """A metric's value (on the grid) as explain writes it, with its unit."""
    return metric_number(scenario, metric, int(q) / SCALE)


def _misses(scenario: Scenario, table: ExploreTable) -> dict[str, Any]:
    """Per package and bound of a limit, explain's text of the miss (index 0: not missed)."""
    names = list(scenario.metrics)
    number: dict[str, int] = {"": 0}
    index = np.zeros(table.missed.shape, dtype=np.int64)
    for j, bound in enumerate(table.bounds):
        where = np.flatnonzero(table.missed[:, j])
        values, inverse = np.unique(table.grid[where, bound.metric], return_inverse=True)
        found = []
        for q in values.tolist():
            gap = bound.q_bound - q if bound.side == "min" else q - bound.q_bound
            miss = BoundMiss(names[bound.metric], bound.side, bound.bound, q / SCALE, gap)
            found.append(number.setdefault(miss_text(scenario, miss), len(number)))
        index[where, j] = np.array(found, dtype=np.int64)[inverse.ravel()]
    return {"bounds": [b.test for b in table.bounds], "texts": list(number), "index": narrow(index)}


def _chances(extras: Extras) -> dict[str, Any] | None:
    """Explain's sentence on how often each package is acceptable across the draws."""
    found = extras.chances
    if found is None:
        return None if extras.chance_note is None else {"note": extras.chance_note}

    def text(hits: np.int64) -> str:
        estimate = Estimate(int(hits), found.samples)
        return (
            f"Across {found.samples} draws of the uncertain values, this package is acceptable "
            f"to every actor in {percent(estimate)} of them ({interval_text(estimate)})."
        )

    return indexed(found.hits, text)


def _stability(table: ExploreTable, extras: Extras) -> dict[str, Any] | None:
    """Stability's sentence on the concepts under which each package is an equilibrium."""
    held = extras.equilibria
    if held is None:
        return None if extras.stability_note is None else {"note": extras.stability_note}
    keys = np.stack([table.status == INFEASIBLE, *(held[c] for c in CONCEPTS)], axis=1)

    def text(row: NDArray[np.bool_]) -> str:
        if row[0]:
            return NOT_A_STATE
        return equilibrium_text({c: bool(ok) for c, ok in zip(CONCEPTS, row[1:], strict=True)})

    return indexed(keys, text)


def embedded_places(picture: Picture) -> NDArray[np.uint16]:
    """Places on the picture in 1/PLACE_SCALE of its units; OUTSIDE where off the picture."""
    width, height = picture.size
    x, y = picture.at[:, 0], picture.at[:, 1]
    inside = (x >= 0) & (x <= width) & (y >= 0) & (y <= height)
    scaled = np.rint(np.nan_to_num(picture.at) * PLACE_SCALE)
    out = np.where(inside[:, None], scaled, OUTSIDE).astype(np.uint16)
    return out


def _picture(picture: Picture) -> dict[str, Any]:
    """The picture's size and every package's place on it (the page embeds the picture)."""
    return {
        "width": picture.size[0],
        "height": picture.size[1],
        "scale": PLACE_SCALE,
        "at": packed(embedded_places(picture)),
    }
