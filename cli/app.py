"""The `guarantees` command line: a thin typer front over the model and the renderers.

Each command parses its arguments, calls the model, and hands the result to a renderer;
errors in the user's input become messages and exit status 2 (see errors.py). Heavy
imports (numpy through the solver, rich) happen inside the commands that need them, so that
`guarantees validate` and `--help` start quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guarantees.cli.errors import EXIT_INVALID, CheckedGroup, fail, print_issues
from guarantees.cli.escape import one_line
from guarantees.cli.formats import Engine, Format

app = typer.Typer(
    cls=CheckedGroup,  # every command: errors as messages, standard output checked at the end
    name="guarantees",
    help="Scenario modeller for security guarantees: which packages every actor accepts, "
    "and why not.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

FilesArg = Annotated[
    list[str],
    typer.Argument(
        metavar="FILES",
        help="Scenario files; quoted glob patterns ('scenarios/*.yaml') are expanded.",
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Processes sharing the enumeration (default: the usable CPUs, at most 8); "
        "the results are the same for any number.",
    ),
]


def _version(value: bool) -> None:
    """Print the installed version and stop (an eager --version option)."""
    if value:
        from importlib.metadata import version

        print(f"guarantees {version('guarantees')}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Scenario modeller for security guarantees: which packages every actor accepts, and why."""


def _expand(files: list[str]) -> list[str]:
    """The files named, glob patterns expanded; exit 2 if a pattern matches nothing."""
    from guarantees.cli.files import NoMatchError, expand

    try:
        return expand(files)
    except NoMatchError as error:
        fail(str(error))


@app.command()
def validate(files: FilesArg) -> None:
    """Check scenario files: `ok  FILE`, or every problem as FILE:LINE:COL: MESSAGE."""
    from guarantees.cli.files import load_file

    valid = True
    for file in _expand(files):
        loaded = load_file(file)
        if loaded.scenario is None:
            print_issues(loaded.issues)
            valid = False
        else:
            print(one_line(f"ok  {file}"))
    if not valid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def evaluate(
    files: FilesArg,
    *,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            help="Entries shown per list (table and Markdown: 5 by default; JSON: all).",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="auto: enumerate every package up to the enumeration limit, optimise above it.",
        ),
    ] = Engine.auto,
) -> None:
    """Acceptable packages, frontier, trade-offs, blocks and concessions of each file."""
    from guarantees.cli.evaluate_command import run_evaluate

    ok = run_evaluate(
        _expand(files), fmt, top=top, output=output, force=force, jobs=jobs, engine=engine.value
    )
    if not ok:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    package: Annotated[
        str,
        typer.Option(
            "--package", "-p", help='Comma-separated option ids; "" is the empty package.'
        ),
    ],
    fmt: FormatOpt = Format.table,
) -> None:
    """Every actor's verdict on one package, with each failed constraint, note and source."""
    from guarantees.cli.explain_command import run_explain

    run_explain(file, package, fmt)


@app.command()
def frontier(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    *,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, help="Frontier points and trade-offs shown (default: all)."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Also draw every feasible package, the frontier and the limits (.png or .svg).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --plot file if it exists.")
    ] = False,
    jobs: JobsOpt = None,
) -> None:
    """The frontier and the trade-offs of a file; with --plot, the trade-off picture."""
    from guarantees.cli.frontier_command import run_frontier

    run_frontier(file, fmt, top=top, plot=plot, force=force, jobs=jobs)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The scenario before.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The scenario after.")],
    *,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            help="Packages shown per list (table and Markdown: 5 by default; JSON: all).",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
) -> None:
    """What changed between two variants: inputs, and acceptable packages, frontier,
    trade-offs, blocks and concessions."""
    from guarantees.cli.diff_command import InvalidInputError, run_diff

    try:
        run_diff(old, new, fmt, top=top, output=output, force=force, jobs=jobs)
    except InvalidInputError:
        raise typer.Exit(EXIT_INVALID) from None


@app.command()
def report(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write (a new file).")
    ],
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, help="Entries shown per list of results (default: 10)."),
    ] = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
) -> None:
    """A self-contained HTML handout: summary, results, the trade-off picture, sources."""
    from guarantees.cli.report_html import run_report

    run_report(file, output, top=top, force=force, jobs=jobs)


@app.command()
def schema(output: OutputOpt = None, force: ForceOpt = False) -> None:
    """The JSON Schema of the scenario format, for completion and checks in an editor."""
    from guarantees.cli.output import Sink
    from guarantees.cli.schema import schema_text

    sink = Sink(output, force=force)
    sink.text(schema_text())
    sink.close()


@app.command()
def new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Scenario id, also the file name (NAME.yaml).")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write (default: NAME.yaml).")
    ] = None,
) -> None:
    """Write a commented starter scenario that validates and evaluates as it is."""
    from guarantees.cli.new import BadNameError, command_path, starter_text
    from guarantees.cli.output import write_new

    path = output if output is not None else Path(f"{name}.yaml")
    try:
        text = starter_text(name, path)
    except BadNameError as error:
        fail(str(error))
    write_new(path, text, force=False, hint="choose another name, or a path with --output")
    print(one_line(f"wrote {path}; check it with: guarantees validate {command_path(path)}"))


def main() -> None:
    """Entry point of the `guarantees` console script."""
    import os

    from guarantees.cli.terminal import ignore_bad_terminal_size

    ignore_bad_terminal_size(os.environ)
    app()
