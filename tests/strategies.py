"""Shared hypothesis strategies: valid scenario documents, their YAML text, planted mistakes.

`scenario_data()` draws a VALID scenario document as plain data in the YAML shape of format
`guarantees/1`, covering every form the format has: metrics of the four combine kinds and both
directions (or no `metrics:` at all, for the defaults), shared tags, interactions, the four rule
kinds, the five constraint kinds (names written as one string or as a list, option ids and
tags), expressions with every operator, limits with a min, a max or both, and uncertain values
in every form.

Numbers sit on a coarse grid so that ties happen and no value lands near the cut of the
solver's tolerance q(x) = floor(x * 1e9 + 1/2 + 2^-12) (docs/explanation/semantics.md):

* noisy-or values are multiples of 0.05 in [0, 0.95] (limits up to 1). With at most 10 terms
  (the default 7 options and at most 2 interactions), 1e9 * (1 - prod(1 - v)) has a
  fractional part that is a multiple of 2^-11, so it never comes within 2^-12 of the cut, far
  beyond float noise (with more than 10 terms it could, in rare draws);
* sum, max and min values are small integers, or quarters for a `beta` best guess;
* thresholds (limits, comparisons in expressions) are on the same grids.

Names come from disjoint pools (options, tags, metrics, actors), so tags never collide with
option ids and renaming is easy to do consistently.
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any, NamedTuple

from hypothesis import assume
from hypothesis import strategies as st
from ruamel.yaml import YAML

from guarantees.model.format.uncertain import parse_uncertain

__all__ = [
    "ACTOR_POOL",
    "MAGNITUDES",
    "METRIC_POOL",
    "OPTION_POOL",
    "TAG_POOL",
    "Mistake",
    "expressions",
    "scaled",
    "scenario_data",
    "scenario_with_mistake",
    "to_yaml_text",
]

OPTION_POOL = (
    "ground_force",
    "air_policing",
    "backstop",
    "recognition",
    "membership",
    "sanctions",
    "training",
    "naval_patrol",
    "arms_supply",
    "intel_sharing",
    "observer_mission",
    "demining",
)
TAG_POOL = ("troops_inside", "air_power", "alliance_forces", "economic", "political", "naval")
METRIC_POOL = ("deterrence", "escalation", "cost", "troops", "credibility", "readiness")
ACTOR_POOL = ("ukraine", "russia", "united_states", "coalition", "poland", "turkey")
CONSTRAINT_ID_POOL = ("red_line", "wants_cover", "budget", "no_troops", "floor", "cap")
RULE_ID_POOL = ("dependency", "exclusive", "pick_one", "sanity")
SOURCE = "press-2025"
COMBINES = ("noisy_or", "sum", "max", "min")
COMPARE_OPS = ("<=", "<", ">=", ">", "==", "!=")

Data = dict[str, Any]


# ------------------------------------------------------------------------------ numbers


def _twentieths(k: int) -> float:
    """k / 20 as the nearest float (what YAML reads back from its shortest repr)."""
    return k / 20


def _grid_value(combine: str) -> st.SearchStrategy[float | int]:
    """A best guess on the grid of a metric's combine kind."""
    if combine == "noisy_or":
        return st.integers(0, 19).map(_twentieths)
    return st.integers(-2, 6)


@st.composite
def uncertain_value(
    draw: st.DrawFn, combine: str, *, limit: bool = False
) -> float | int | list[Any] | dict[str, list[Any]]:
    """An uncertain value in any form; its median lies on the metric's grid except for skewed
    triangulars and betas.

    For noisy-or, option values and terms stay in [0, 1); limits may reach 1 (`limit=True`).
    """
    noisy = combine == "noisy_or"
    forms = ["point", "point", "range", "triangular", "normal", "beta"]
    form = draw(st.sampled_from(forms))
    if noisy:
        top = 20 if limit else 19
        k = draw(st.integers(0, top))
        if form == "point":
            return _twentieths(k)
        if form == "range":
            d = draw(st.integers(0, min(k, top - k)))
            return [_twentieths(k - d), _twentieths(k + d)]
        if form == "triangular":
            lo, hi = draw(st.integers(0, k)), draw(st.integers(k, top))
            return {"triangular": [_twentieths(lo), _twentieths(k), _twentieths(hi)]}
        if form == "normal":
            return {"normal": [_twentieths(k), draw(st.sampled_from([0.05, 0.1, 0.2]))]}
        k = draw(st.integers(1, 19))  # beta with mean k/20
        return {"beta": [k, 20 - k]}
    if form == "beta":
        return {"beta": list(draw(st.sampled_from([(1, 3), (1, 1), (3, 1), (2, 2), (2, 6)])))}
    best = draw(st.integers(-2, 6))
    if form == "point":
        return best
    if form == "range":
        d = draw(st.integers(0, 3))
        return [best - d, best + d]
    if form == "triangular":
        return {
            "triangular": [best - draw(st.integers(0, 2)), best, best + draw(st.integers(0, 2))]
        }
    return {"normal": [best, draw(st.sampled_from([0.5, 1, 2]))]}


def _best(value: Any) -> float:
    """The best guess of a value drawn by `uncertain_value`, as the loader will take it.

    Used only to write a limit's min below its max (which the loader requires of the best
    guesses, medians for skewed forms), so it asks the loader's own parser.
    """
    return parse_uncertain(value).best


def _number_text(value: float | int) -> str:
    """A grid number as it is written in an expression."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# -------------------------------------------------------------------------- expressions


def expressions(
    names: list[str], metrics: dict[str, str], *, max_leaves: int = 6
) -> st.SearchStrategy[str]:
    """Expression texts over the given names and metrics (name -> combine kind).

    Every operator appears: not, and, or, ->, <->, true/false, count(...) and metric
    comparisons. Compound operands are parenthesised, atoms sometimes are too.
    """
    atoms: list[st.SearchStrategy[str]] = [st.sampled_from(["true", "false"])]
    if names:
        atoms += [
            st.sampled_from(names),
            st.sampled_from(names),
            st.builds(
                lambda ns, op, n: f"count({', '.join(ns)}) {op} {n}",
                st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True),
                st.sampled_from(COMPARE_OPS),
                st.integers(0, 3),
            ),
        ]
    if metrics:
        atoms.append(
            st.sampled_from(sorted(metrics)).flatmap(
                lambda m: st.builds(
                    lambda op, x: f"{m} {op} {_number_text(x)}",
                    st.sampled_from(COMPARE_OPS),
                    _grid_value(metrics[m]),
                )
            )
        )
    atom = st.one_of(*atoms)
    # (text, whether it can stand as an operand without parentheses)
    leaf = st.one_of(atom, atom.map(lambda a: f"({a})")).map(lambda a: (a, True))

    def operand(part: tuple[str, bool]) -> str:
        return part[0] if part[1] else f"({part[0]})"

    def grow(children: st.SearchStrategy[tuple[str, bool]]) -> st.SearchStrategy[tuple[str, bool]]:
        return st.one_of(
            children.map(lambda c: (f"not {operand(c)}", False)),
            st.builds(
                lambda a, op, b: (f"{operand(a)} {op} {operand(b)}", False),
                children,
                st.sampled_from(["and", "or", "->", "<->"]),
                children,
            ),
        )

    return st.recursive(leaf, grow, max_leaves=max_leaves).map(lambda part: part[0])


# ----------------------------------------------------------------------------- scenario


def _names_field(draw: st.DrawFn, pool: list[str], *, max_size: int = 3) -> str | list[str]:
    """One name as a plain string, or a non-empty list of distinct names."""
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_size, unique=True))
    if len(chosen) == 1 and draw(st.booleans()):
        return chosen[0]
    return chosen


@st.composite
def _metrics_section(draw: st.DrawFn) -> tuple[dict[str, Any] | None, dict[str, str], Data | None]:
    """(metrics section or None for the defaults, name -> combine, tradeoff section or None)."""
    if draw(st.booleans()):
        tradeoff = None
        if draw(st.booleans()):
            tradeoff = {"benefit": "deterrence", "risk": "escalation"}
        return None, {"deterrence": "noisy_or", "escalation": "noisy_or"}, tradeoff
    names = draw(st.lists(st.sampled_from(METRIC_POOL), min_size=2, max_size=4, unique=True))
    section: dict[str, Any] = {}
    for name in names:
        metric: Data = {
            "combine": draw(st.sampled_from(COMBINES)),
            "better": draw(st.sampled_from(["higher", "lower"])),
        }
        if draw(st.integers(0, 3)) == 0:
            metric["unit"] = "points"
        if draw(st.integers(0, 3)) == 0:
            metric["label"] = f"The {name.replace('_', ' ')}"
        section[name] = metric
    benefit, risk = draw(st.permutations(names))[:2]
    return (
        section,
        {n: m["combine"] for n, m in section.items()},
        {"benefit": benefit, "risk": risk},
    )


def _values(draw: st.DrawFn, combines: dict[str, str], *, at_least: int = 0) -> Data:
    """Metric values for an option or an interaction (some metrics left out)."""
    chosen = draw(st.lists(st.sampled_from(sorted(combines)), min_size=at_least, unique=True))
    order = [m for m in combines if m in chosen]
    return {m: draw(uncertain_value(combines[m])) for m in order}


@st.composite
def _limit(draw: st.DrawFn, combines: dict[str, str]) -> Data:
    """`{METRIC: {min: X, max: Y}}` for one or two metrics; min <= max on best guesses."""
    metrics = draw(st.lists(st.sampled_from(sorted(combines)), min_size=1, max_size=2, unique=True))
    out: Data = {}
    for metric in metrics:
        sides = draw(st.sampled_from(["min", "max", "both"]))
        low = draw(uncertain_value(combines[metric], limit=True))
        if sides != "both":
            out[metric] = {sides: low}
            continue
        high = draw(uncertain_value(combines[metric], limit=True))
        if _best(low) > _best(high):
            low, high = high, low
        out[metric] = {"min": low, "max": high}
    return out


@st.composite
def scenario_data(draw: st.DrawFn, max_options: int = 7, max_actors: int = 4) -> Data:
    """A valid scenario document (plain data, YAML shape, format guarantees/1).

    At least one option and one actor; at most `max_options` (up to 12) and `max_actors`
    (up to 6).
    """
    if max_options > len(OPTION_POOL) or max_actors > len(ACTOR_POOL):
        raise ValueError(f"at most {len(OPTION_POOL)} options and {len(ACTOR_POOL)} actors")
    metrics, combines, tradeoff = draw(_metrics_section())
    option_ids = draw(
        st.lists(st.sampled_from(OPTION_POOL), min_size=1, max_size=max_options, unique=True)
    )
    actor_ids = draw(
        st.lists(st.sampled_from(ACTOR_POOL), min_size=1, max_size=max_actors, unique=True)
    )
    tag_pool = draw(st.lists(st.sampled_from(TAG_POOL), min_size=0, max_size=4, unique=True))
    cite = draw(st.booleans())

    options: Data = {}
    for option_id in option_ids:
        option: Data = {"label": option_id.replace("_", " ").capitalize()}
        if tag_pool:
            tags = draw(st.lists(st.sampled_from(tag_pool), max_size=2, unique=True))
            if tags:
                option["tags"] = tags
        if draw(st.integers(0, 3)) == 0:
            option["provided_by"] = draw(
                st.lists(st.sampled_from(actor_ids), min_size=1, max_size=2, unique=True)
            )
        if draw(st.integers(0, 5)) == 0:
            option["controlled_by"] = draw(st.sampled_from(actor_ids))
        option.update(_values(draw, combines))
        if cite and draw(st.booleans()):
            option["source"] = SOURCE
        if draw(st.integers(0, 4)) == 0:
            option["note"] = "A judgement, not a figure."
        options[option_id] = option

    tags_used = sorted({t for o in options.values() for t in o.get("tags", [])})
    names = option_ids + tags_used

    interactions = []
    if len(option_ids) >= 2:
        for _ in range(draw(st.integers(0, 2))):
            all_of = _names_field(draw, option_ids)
            interaction: Data = {"all_of": all_of, **_values(draw, combines, at_least=1)}
            if draw(st.booleans()):
                interaction["note"] = "More credible together."
            interactions.append(interaction)

    rules = []
    for index in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["requires", "excludes", "one_of", "condition"]))
        rule: Data
        if kind == "requires":
            rule = {
                "requires": {draw(st.sampled_from(names)): _names_field(draw, names, max_size=2)}
            }
        elif kind in ("excludes", "one_of"):
            rule = {
                kind: draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            }
        else:
            rule = {"condition": draw(expressions(names, combines))}
        if draw(st.integers(0, 2)) == 0:
            rule["id"] = RULE_ID_POOL[index]
        rules.append(rule)

    actors: Data = {}
    for actor_id in actor_ids:
        constraints = []
        ids = iter(draw(st.permutations(CONSTRAINT_ID_POOL)))
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["veto", "demand", "demand_any", "condition", "limit"]))
            constraint: Data
            if kind in ("veto", "demand", "demand_any"):
                constraint = {kind: _names_field(draw, names)}
            elif kind == "condition":
                constraint = {"condition": draw(expressions(names, combines))}
            else:
                constraint = {"limit": draw(_limit(combines))}
            if draw(st.integers(0, 2)) == 0:
                constraint["id"] = next(ids)
            if draw(st.integers(0, 3)) == 0:
                constraint["note"] = "Stated in public."
            if cite and draw(st.booleans()):
                constraint["source"] = SOURCE
            constraints.append(constraint)
        actor: Data = {"name": actor_id.replace("_", " ").title()}
        if constraints or draw(st.booleans()):
            actor["constraints"] = constraints
        # one preference form at most (an empty one states nothing, so it may stand beside)
        if draw(st.integers(0, 5)) == 0:
            actor["priorities"] = draw(st.lists(expressions(names, {}, max_leaves=3), max_size=2))
        if draw(st.integers(0, 5)) == 0 and not actor.get("priorities"):
            keys = draw(
                st.lists(st.sampled_from(sorted(combines) + option_ids), max_size=2, unique=True)
            )
            actor["utility"] = {k: draw(st.integers(-3, 3)) for k in keys}
        actors[actor_id] = actor

    data: Data = {
        "format": "guarantees/1",
        "id": "generated-scenario",
        "title": "Generated scenario",
    }
    if draw(st.booleans()):
        data["summary"] = "Drawn by hypothesis."
    if cite:
        data["sources"] = {SOURCE: "A press analysis (2025)"}
    if metrics is not None:
        data["metrics"] = metrics
    if tradeoff is not None:
        data["tradeoff"] = tradeoff
    data["options"] = options
    if interactions:
        data["interactions"] = interactions
    if rules:
        data["rules"] = rules
    if draw(st.integers(0, 3)) == 0:
        data["status_quo"] = draw(st.lists(st.sampled_from(option_ids), max_size=2, unique=True))
    data["actors"] = actors
    return data


# -------------------------------------------------------------------------- magnitudes

#: Factors for `scaled`: sub-grid, fine, large and awkward decimals. With the generated terms
#: (at most |9| each, at most 9 terms), every scaled sum stays within the format's 1e9.
MAGNITUDES = (3e-10, 0.001, 12345.678, 1e6, 1e7, 1.1e7)
_COMPARISON = re.compile(r"\b([a-z][a-z0-9_]*) (<=|<|>=|>|==|!=) (-?[0-9.]+)")


def scaled(data: Data, factor: float) -> Data:
    """The document with every number of every sum, max and min metric multiplied by factor.

    Option and interaction values, limit bounds and the numbers compared with such a metric in
    expressions; a beta value (whose parameters are shapes) becomes its scaled mean. A skewed
    triangular states its mode as its best guess: its median would need more digits than a
    float holds at large magnitudes, and the reports give values as floats. Ties between values
    stay ties when the factor is a power of ten; other factors make awkward decimals.
    """
    data = copy.deepcopy(data)
    combines = {n: m["combine"] for n, m in data.get("metrics", {}).items()}
    exact = {n for n, c in combines.items() if c != "noisy_or"}

    def value(v: Any) -> Any:
        if isinstance(v, dict) and "beta" in v:
            shape_a, shape_b = v["beta"]
            return shape_a / (shape_a + shape_b) * factor
        if isinstance(v, dict) and "triangular" in v and "best" not in v:
            low, mode, high = v["triangular"]
            scaled_form = {"triangular": [value(p) for p in v["triangular"]]}
            return scaled_form if 2 * mode == low + high else {**scaled_form, "best": value(mode)}
        if isinstance(v, dict):
            return {form: [value(p) for p in params] for form, params in v.items()}
        if isinstance(v, list):
            return [value(p) for p in v]
        return v * factor

    def expression(text: str) -> str:
        return _COMPARISON.sub(
            lambda m: (
                f"{m[1]} {m[2]} {_number_text(float(m[3]) * factor)}" if m[1] in exact else m[0]
            ),
            text,
        )

    for part in [*data["options"].values(), *data.get("interactions", [])]:
        for metric in exact & part.keys():
            part[metric] = value(part[metric])
    for rule in data.get("rules", []):
        if "condition" in rule:
            rule["condition"] = expression(rule["condition"])
    for actor in data["actors"].values():
        for constraint in actor.get("constraints", []):
            if "condition" in constraint:
                constraint["condition"] = expression(constraint["condition"])
            for metric in exact & constraint.get("limit", {}).keys():
                bound = constraint["limit"][metric]
                constraint["limit"][metric] = {side: value(v) for side, v in bound.items()}
    return data


# ---------------------------------------------------------------------------- YAML text


def to_yaml_text(data: Data) -> str:
    """Dump plain data as YAML 1.2 block text, with leaf lists and mappings in flow style."""
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = None  # leaf collections as [a, b] / {min: 0.2}
    yaml.width = 4096  # never fold a long expression across lines
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------- planted mistakes


class Mistake(NamedTuple):
    """A document with exactly one planted mistake, and where it must be reported."""

    text: str
    line: int
    fragment: str


MISTAKE_KINDS = (
    "unknown_name",
    "misspelt_field",
    "backwards_range",
    "noisy_or_out_of_range",
    "min_above_max",
    "tag_is_option_id",
    "expression_syntax",
    "repeated_name",
    "out_of_range",
)


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of the only occurrence of needle in text."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in:\n{text}"
    return text[: text.index(needle)].count("\n") + 1


def _first_actor_constraints(data: Data) -> list[Data]:
    """The constraint list of the first actor (created if absent)."""
    actor = next(iter(data["actors"].values()))
    constraints: list[Data] = actor.setdefault("constraints", [])
    return constraints


@st.composite
def scenario_with_mistake(draw: st.DrawFn, kind: str | None = None) -> Mistake:
    """A valid generated document with exactly one planted mistake.

    Yields a `Mistake` (text, expected line, expected message fragment); `kind` picks one of
    MISTAKE_KINDS instead of drawing it. The line
    is found by dumping the YAML and locating the planted text, never hard-coded.
    """
    data = copy.deepcopy(draw(scenario_data()))
    combines = {name: metric["combine"] for name, metric in data.get("metrics", {}).items()} or {
        "deterrence": "noisy_or",
        "escalation": "noisy_or",
    }
    noisy = [m for m, c in combines.items() if c == "noisy_or"]
    kinds = [k for k in MISTAKE_KINDS if k != "noisy_or_out_of_range" or noisy]
    kind = kind if kind is not None else draw(st.sampled_from(kinds))
    assume(kind in kinds)
    option_ids = list(data["options"])
    option_id = draw(st.sampled_from(option_ids))
    option = data["options"][option_id]

    needle: str
    fragment: str
    if kind == "unknown_name":
        bad = "unknown_thing"
        others = draw(st.lists(st.sampled_from(option_ids), max_size=2, unique=True))
        names = list(draw(st.permutations([*others, bad])))
        veto: str | list[str] = names if len(names) > 1 or draw(st.booleans()) else bad
        _first_actor_constraints(data).append({"veto": veto})
        needle, fragment = bad, "unknown option or tag 'unknown_thing'"
    elif kind == "misspelt_field":
        data["options"][option_id] = {
            ("lable" if k == "label" else k): v for k, v in option.items()
        }
        needle, fragment = "lable", "'lable'"
    elif kind == "backwards_range":
        metric = draw(st.sampled_from(sorted(combines)))
        option[metric] = [0.4, 0.2]
        needle, fragment = "[0.4, 0.2]", "backwards"
    elif kind == "noisy_or_out_of_range":
        metric = draw(st.sampled_from(noisy))
        option[metric] = 1.5
        needle, fragment = f"{metric}: 1.5", "must lie in [0, 1)"
    elif kind == "min_above_max":
        metric = draw(st.sampled_from(sorted(combines)))
        low, high = (0.3, 0.8) if combines[metric] == "noisy_or" else (1, 5)
        _first_actor_constraints(data).append({"limit": {metric: {"min": high, "max": low}}})
        needle, fragment = f"{{min: {high}, max: {low}}}", "exceeds max"
    elif kind == "tag_is_option_id":
        other = draw(st.sampled_from(option_ids))
        option["tags"] = [*option.get("tags", []), other]
        needle = f"tags: [{', '.join(option['tags'])}]"
        fragment = f"collides with the option id '{other}'"
    elif kind == "expression_syntax":
        first, second = option_ids[0], option_ids[-1]
        _first_actor_constraints(data).append({"condition": f"{first} & {second}"})
        needle, fragment = " & ", "expression syntax error"
    elif kind == "repeated_name":
        repeated = draw(st.sampled_from(option_ids))
        names = draw(st.permutations([repeated, repeated, *option_ids[:1]]))
        where = draw(st.sampled_from(["veto", "demand_any", "all_of", "excludes"]))
        if where == "all_of":
            interaction = {"all_of": names, sorted(combines)[0]: 0}
            data.setdefault("interactions", []).append(interaction)
        elif where == "excludes":
            data.setdefault("rules", []).append({"excludes": names})
        else:
            _first_actor_constraints(data).append({where: names})
        needle, fragment = f"[{', '.join(names)}]", f"'{repeated}' is listed twice"
    elif kind == "out_of_range":
        metric = draw(st.sampled_from(sorted(combines)))
        too_big = draw(st.sampled_from(["1.0e+300", "2000000000", "-3.0e+12", "9" * 400]))
        _first_actor_constraints(data).append({"limit": {metric: {"max": "TOO_BIG"}}})
        needle, fragment = "TOO_BIG", "is out of range"
        text = to_yaml_text(data)
        assume(text.count(needle) == 1)
        line = _line_of(text, needle)
        return Mistake(text.replace("TOO_BIG", too_big), line, fragment)
    else:
        raise ValueError(f"unknown mistake kind {kind!r}")
    text = to_yaml_text(data)
    assume(text.count(needle) == 1)  # the planted text may happen to be written elsewhere too
    return Mistake(text, _line_of(text, needle), fragment)
