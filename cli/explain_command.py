"""`guarantees explain`: every actor's verdict on one package the user names.

The package is given as comma-separated option ids (`--package a,b,c`); an empty string is
the empty package. Unknown ids are the model's PackageError, with a "did you mean".
"""

from __future__ import annotations

from guarantees.cli.draws import NO_DRAWS, Draws, package_of
from guarantees.cli.formats import Format
from guarantees.cli.output import Sink
from guarantees.cli.report_robustness import package_section
from guarantees.model.exact.evaluate import explain
from guarantees.model.format.load import load

#: Options the exact engine's 64-bit package masks hold; past it, explain judges on Python ints.
MASK_BITS = 64


def parse_package(text: str) -> list[str]:
    """`a, b,c` -> [a, b, c]; blanks between commas are ignored, so "" is the empty package."""
    return [part.strip() for part in text.split(",") if part.strip()]


def run_explain(file: str, package: str, fmt: Format, draws: Draws = NO_DRAWS) -> None:
    """Load, explain and print in the chosen format (errors propagate to the caller)."""
    scenario = load(file, display=file)
    if len(scenario.options) > MASK_BITS:
        from guarantees.model.optimise.explain import explain as explain_any

        result = explain_any(scenario, parse_package(package))
    else:
        result = explain(scenario, parse_package(package))
    chance, note = package_of(scenario, result.package.options, draws)
    sink = Sink()
    if fmt is Format.json:
        from guarantees.cli.render_json import explain_document

        sink.text(explain_document(file, scenario, result, chance))
        return
    from guarantees.cli.report import with_section
    from guarantees.cli.report_explain import explanation_report
    from guarantees.cli.report_stability import package_stability

    report = explanation_report(file, scenario, result)
    if chance is not None or note is not None:
        report = with_section(report, package_section(chance, note))
    report = with_section(report, package_stability(scenario, parse_package(package)))
    if fmt is Format.markdown:
        from guarantees.cli.render_markdown import report_markdown

        sink.text(report_markdown(report))
    else:
        from guarantees.cli.render_table import report_renderables

        sink.rich(report_renderables(report))
