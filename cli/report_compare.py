"""The report of `guarantees compare`: one row per variant, as a `Report` and as CSV rows.

The same words as the other reports: a deal is a package acceptable to every actor; the
smallest concession is the smallest set of constraints whose relaxation opens one; the actors
"alone in rejecting" most packages are `evaluate`'s sole blockers; the chance of a deal is
`robustness`'s, with its 95% interval; the equilibria are `stability`'s, counted among the
acceptable packages. Computed in model/comparison/variants.py; only laid out here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from guarantees.cli.report import Column, Report, Section, Table, package_text, plural
from guarantees.cli.report_robustness import percent
from guarantees.cli.report_stability import NAMES
from guarantees.model.comparison.inputs import Change
from guarantees.model.comparison.variants import Variant
from guarantees.model.exact.results import Concession
from guarantees.model.robustness.results import Estimate

#: Changes listed per row of the table view (the CSV and JSON have them all).
SHOWN_CHANGES = 5
SAME = "same changes as above"


def change_text(change: Change) -> str:
    """One change in a line: `ukraine.deterrence_floor limit deterrence min: 0.65 -> 0.5`."""
    where = " ".join(part for part in (change.item or change.section, change.field) if part)
    if change.change == "added":
        return f"added {where}: {change.new}"
    if change.change == "removed":
        return f"removed {where} ({change.old})"
    old, new = change.old or "(none)", change.new or "(none)"
    head, old, new = _bound_moved(old, new)
    return f"{where}{head}: {old} -> {new}"


def _bound_moved(old: str, new: str) -> tuple[str, str, str]:
    """A limit's one bound moved (`deterrence min 0.65` to `deterrence min 0.5`) said as
    (` deterrence min`, `0.65`, `0.5`); any other change as it is."""
    a, b = old.split(" ", 2), new.split(" ", 2)
    one = ";" not in old and ";" not in new and len(a) == len(b) == 3
    if one and a[:2] == b[:2] and a[1] in ("min", "max"):
        return f" {a[0]} {a[1]}", a[2], b[2]
    return "", old, new


def changes_cell(variant: Variant, *, limit: int | None = None) -> str:
    """The changes of substance from the base, one a line (the first `limit`), and how many
    of wording."""
    if not variant.changes:
        lines = ["(the base)" if variant.group == 0 else "no change of substance"]
    else:
        lines = [change_text(c) for c in variant.changes[:limit]]
        more = len(variant.changes) - len(lines)
        lines += [f"and {more} more (guarantees diff says all)"] if more > 0 else []
    if variant.wording:
        lines.append(f"({plural(variant.wording, 'change')} of wording)")
    return "\n".join(lines)


def deal_cell(variant: Variant) -> str:
    """`yes (8 acceptable)`, `no`, `no (no package keeps every rule)`."""
    if variant.acceptable:
        return f"yes ({variant.acceptable} acceptable)"
    return "no" if variant.feasible else "no (no package keeps every rule)"


def concessions_cell(smallest: Sequence[Concession], *, acceptable: int, sep: str) -> str:
    """Each tied smallest concession as its constraints joined by `+`."""
    if acceptable:
        return "none needed"
    if not smallest:
        return "none"
    return sep.join(" + ".join(r.label for r in c.constraints) for c in smallest)


def alone_cell(variant: Variant) -> str:
    """`ukraine (30)`; `nobody` when no actor is ever alone in rejecting a package."""
    return ", ".join(f"{b.actor} ({b.sole})" for b in variant.alone) or "nobody"


def chance_cell(deal: Estimate | None, note: str) -> str:
    """`20% (16.5% to 23.5%)`: the chance of a deal and its 95% interval."""
    if deal is None:
        return note
    low, high = deal.interval
    return f"{percent(deal)} ({_end(low)} to {_end(high)})"


def _end(share: float) -> str:
    value = 100 * share
    return f"{value:.0f}%" if value in (0, 100) else f"{value:.1f}%"


def equilibria_cell(variant: Variant, note: str) -> str:
    """`Nash 0, GMR 8, SMR 8, SEQ 8`, or why there is no figure."""
    equilibria = variant.equilibria
    if equilibria is None:
        return note
    if not variant.acceptable:
        return "no acceptable package"
    return ", ".join(f"{NAMES[c]} {n}" for c, n in equilibria.items())


def compare_report(
    base: str,
    variants: Sequence[Variant],
    *,
    draws: str,
    notes: Mapping[str, tuple[str, str]],
    failed: Sequence[str] = (),
) -> Report:
    """The comparison: a fact line per setting, then one row per variant; `notes` says per
    file why it has no chance of a deal, and why no equilibria (when it has none)."""
    columns = (
        Column("file"),
        Column("what changed"),
        Column("deal"),
        Column("best package"),
        Column("smallest concession"),
        Column("alone in rejecting most"),
        Column("chance of a deal"),
        Column("equilibria among acceptable"),
    )
    rows = tuple(_row(v, n, variants, notes) for n, v in enumerate(variants))
    facts = (
        f"{plural(len(variants), 'variant')}; base: {base} (the first file compared): each row "
        "says what changed from it, rows with the same changes grouped.",
        draws,
    )
    text = (
        "deal: packages acceptable to every actor; best package: the first by the rank key; "
        "smallest concession: the smallest sets of constraints whose relaxation opens a "
        "package, each tied one on its own line; alone in rejecting most: the actors most "
        "often the only one in the way (how many packages); chance of a deal: across the "
        "draws of the variant's uncertain values, with its 95% interval; equilibria: "
        "acceptable packages stable under each concept of `guarantees stability`.",
    )
    end = tuple(f"Not compared: {file} (see the messages on standard error)." for file in failed)
    return Report(
        "Comparison of variants", facts, (Section("Variants", text, Table(columns, rows), end),)
    )


def _row(
    variant: Variant, n: int, variants: Sequence[Variant], notes: Mapping[str, tuple[str, str]]
) -> tuple[str, ...]:
    deal_note, stability_note = notes.get(variant.file, ("-", "-"))
    same = n > 0 and variants[n - 1].group == variant.group and variant.group != 0
    return (
        variant.file,
        SAME if same else changes_cell(variant, limit=SHOWN_CHANGES),
        deal_cell(variant),
        package_text(variant.best.options) if variant.best is not None else "no deal",
        concessions_cell(variant.smallest, acceptable=variant.acceptable, sep="\nor "),
        alone_cell(variant),
        chance_cell(variant.deal, deal_note),
        equilibria_cell(variant, stability_note),
    )


CSV_HEADER = (
    "file",
    "scenario",
    "group",
    "changes",
    "wording_changes",
    "feasible",
    "acceptable",
    "best_package",
    "smallest_concessions",
    "alone_in_rejecting_most",
    "deal_chance",
    "deal_low",
    "deal_high",
    "draws",
    "nash",
    "gmr",
    "smr",
    "seq",
)


def csv_rows(variants: Sequence[Variant]) -> list[tuple[str, ...]]:
    """One row of plain values per variant, under CSV_HEADER (lists joined by `; `, a
    concession's constraints by ` + `); empty where there is no figure."""
    return [_csv_row(v) for v in variants]


def _csv_row(v: Variant) -> tuple[str, ...]:
    deal = ("", "", "", "") if v.deal is None else _estimate(v.deal)
    held = ("",) * 4 if v.equilibria is None else tuple(str(n) for n in v.equilibria.values())
    return (
        v.file,
        v.scenario_id,
        str(v.group),
        "; ".join(change_text(c) for c in v.changes),
        str(v.wording),
        str(v.feasible),
        str(v.acceptable),
        "" if v.best is None else ", ".join(v.best.options),
        "; ".join(" + ".join(r.label for r in c.constraints) for c in v.smallest),
        "; ".join(f"{b.actor} ({b.sole})" for b in v.alone),
        *deal,
        *held,
    )


def _estimate(deal: Estimate) -> tuple[str, str, str, str]:
    low, high = deal.interval
    return (f"{deal.share:.6g}", f"{low:.6g}", f"{high:.6g}", str(deal.draws))
