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
from guarantees.cli.formats import CompareFormat, Engine, Format

#: Draws of the robustness parts of evaluate, explain, diff, frontier --plot and report: about
#: 0.2 s for a shipped scenario, a chance of a deal to within 4.4 points at 95% (at worst).
SAMPLES = 500

app = typer.Typer(
    cls=CheckedGroup,  # every command: errors as messages, standard output checked at the end
    name="guarantees",
    help="Scenario modeller for security guarantees: which packages every actor accepts, "
    "and why not.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion and --show-completion for the shell
    rich_markup_mode=None,
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
    Format,
    typer.Option(
        "--format",
        "-f",
        metavar="[table|json|markdown]",
        help="Output format.",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="PATH", help="Write to this file instead of standard output."
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Do not say on standard error which files were written."),
]
SamplesOpt = Annotated[
    int,
    typer.Option(
        "--samples",
        "-n",
        min=0,
        metavar="N",
        help="Draws of the uncertain values for the robustness part of the answer (0: none; "
        "`guarantees robustness` says more).",
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed", min=0, metavar="S", help="Seed of the draws: the same seed, the same answers."
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
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
            metavar="N",
            help="Entries shown per list (table and Markdown: 5 by default, a summary that "
            "fits a screen; JSON: all). A tie at the smallest concession is always shown whole.",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="auto: enumerate every package up to the enumeration limit, optimise above it.",
        ),
    ] = Engine.auto,
) -> None:
    """Acceptable packages, frontier, trade-offs, blocks and concessions of each file, and
    how likely a deal is across the file's uncertain values."""
    from guarantees.cli.draws import Draws
    from guarantees.cli.evaluate_command import run_evaluate

    ok = run_evaluate(
        _expand(files),
        fmt,
        top=top,
        output=output,
        force=force,
        jobs=jobs,
        quiet=quiet,
        draws=Draws(samples, seed),
        engine=engine.value,
    )
    if not ok:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def robustness(
    files: FilesArg,
    *,
    samples: Annotated[
        int,
        typer.Option(
            "--samples", "-n", min=1, metavar="N", help="Joint draws of the uncertain values."
        ),
    ] = 2000,
    seed: SeedOpt = 1,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.0,
            max=1.0,
            metavar="P",
            help="Count the packages acceptable in at least this share of the draws.",
        ),
    ] = 0.5,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help="Entries shown per list (table and Markdown: 5, a summary that fits a screen; "
            "JSON: every one, up to 1000 packages or concessions).",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """How likely a deal is across the scenario's own uncertainty, what drives it, and when."""
    from guarantees.cli.robustness_command import Settings, run_robustness

    ok = run_robustness(
        _expand(files),
        fmt,
        Settings(samples, seed, threshold, jobs),
        top=top,
        output=output,
        force=force,
        quiet=quiet,
    )
    if not ok:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    package: Annotated[
        str,
        typer.Option(
            "--package",
            "-p",
            metavar="IDS",
            help='Comma-separated option ids; "" is the empty package.',
        ),
    ],
    fmt: FormatOpt = Format.table,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """Every actor's verdict on one package, with each failed constraint, note and source,
    and how often the package is acceptable across the file's uncertain values."""
    from guarantees.cli.draws import Draws
    from guarantees.cli.explain_command import run_explain

    run_explain(file, package, fmt, Draws(samples, seed))


@app.command()
def frontier(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    *,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help="Frontier points and trade-offs shown (default: all, the frontier being what "
            "this command is for; in tables at most 10 packages tied at a point).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="PATH",
            help="Also draw every feasible package, the frontier and the limits (.png or .svg).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --plot file if it exists.")
    ] = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """The frontier and the trade-offs of a file; with --plot, the trade-off picture, each
    package acceptable in some draw of the uncertain values ringed by how often."""
    from guarantees.cli.draws import Draws
    from guarantees.cli.frontier_command import run_frontier

    run_frontier(
        file,
        fmt,
        top=top,
        plot=plot,
        force=force,
        jobs=jobs,
        quiet=quiet,
        draws=Draws(samples, seed),
    )


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
            metavar="N",
            help="Packages shown per list (table and Markdown: 5 by default, as evaluate; "
            "JSON: all).",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """What changed between two variants: inputs, and acceptable packages, frontier,
    trade-offs, blocks, concessions, and the chance of a deal across the same draws."""
    from guarantees.cli.diff_command import InvalidInputError, run_diff
    from guarantees.cli.draws import Draws

    try:
        run_diff(
            old,
            new,
            fmt,
            top=top,
            output=output,
            force=force,
            jobs=jobs,
            quiet=quiet,
            draws=Draws(samples, seed),
        )
    except InvalidInputError:
        raise typer.Exit(EXIT_INVALID) from None


@app.command()
def report(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    *,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="PATH", help="The HTML file to write (a new file)."),
    ],
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help="Entries shown per list of results (default: 5, as evaluate: the handout "
            "prints in four pages).",
        ),
    ] = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """A self-contained HTML handout: summary, results, the trade-off picture, robustness,
    sources."""
    from guarantees.cli.draws import Draws
    from guarantees.cli.report_html import run_report

    draws = Draws(samples, seed, jobs)
    run_report(file, output, top=top, force=force, jobs=jobs, quiet=quiet, draws=draws)


@app.command()
def explore(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    *,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="PATH", help="The HTML file to write (a new file)."),
    ],
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """A self-contained interactive page: tick options and see every actor's verdict, the
    metrics, the picture, the nearest acceptable package and what would open the package
    (scenarios of up to 16 options; every answer computed when the page is written)."""
    from guarantees.cli.draws import Draws
    from guarantees.cli.explore_command import run_explore

    run_explore(file, output, force=force, jobs=jobs, quiet=quiet, draws=Draws(samples, seed))


@app.command()
def brief(
    file: Annotated[str, typer.Argument(metavar="FILE", help="Scenario file.")],
    *,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="DIR", help="The folder to write the briefings in."),
    ],
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            "-a",
            metavar="ID",
            help="Brief this actor only (repeat for several; default: every actor).",
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            min=1,
            metavar="N",
            help="Rows of the packages an actor alone blocks, and of the concessions asked of "
            "it (default: 10 each).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite briefings that exist in DIR.")
    ] = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """Role-play briefings: one page per actor (DIR/ACTOR.md and DIR/ACTOR.html) with its
    position, constraints, the packages it alone blocks, the concessions asked of it, its
    preferences, and how it stands in the way across the file's uncertain values."""
    from guarantees.cli.brief_command import run_brief
    from guarantees.cli.draws import Draws

    run_brief(
        file,
        output,
        actor or [],
        top=top,
        force=force,
        quiet=quiet,
        jobs=jobs,
        draws=Draws(samples, seed),
    )


@app.command()
def compare(
    files: FilesArg,
    *,
    fmt: Annotated[
        CompareFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="[table|json|markdown|csv]",
            help="Output format.",
            case_sensitive=False,
        ),
    ] = CompareFormat.table,
    output: OutputOpt = None,
    force: ForceOpt = False,
    jobs: JobsOpt = None,
    quiet: QuietOpt = False,
    samples: SamplesOpt = SAMPLES,
    seed: SeedOpt = 1,
) -> None:
    """Many variants of a scenario side by side, one row each: what changed from the first
    file, whether there is a deal, the best package, the smallest concession, who is alone
    in the way, the chance of a deal and the stable deals."""
    from guarantees.cli.compare_command import run_compare
    from guarantees.cli.draws import Draws

    ok = run_compare(
        _expand(files),
        fmt,
        output=output,
        force=force,
        quiet=quiet,
        jobs=jobs,
        draws=Draws(samples, seed),
    )
    if not ok:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def stability(
    files: FilesArg,
    *,
    fmt: FormatOpt = Format.table,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", min=1, metavar="N", help="Entries shown per list (table and Markdown: 10)."
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Which packages hold (Nash, GMR, SMR, SEQ), who would defect, paths from the status quo."""
    from guarantees.cli.stability_command import run_stability

    if not run_stability(_expand(files), fmt, top=top, output=output, force=force, quiet=quiet):
        raise typer.Exit(EXIT_INVALID)


@app.command()
def schema(output: OutputOpt = None, force: ForceOpt = False, quiet: QuietOpt = False) -> None:
    """The JSON Schema of the scenario format, for completion and checks in an editor."""
    from guarantees.cli.output import Sink
    from guarantees.cli.schema import schema_text

    sink = Sink(output, force=force, quiet=quiet)
    sink.text(schema_text())
    sink.close()


@app.command()
def new(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Scenario id, also the file name (NAME.yaml).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Where to write (default: NAME.yaml)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a commented starter scenario that validates and evaluates as it is, and the
    JSON Schema its first line names (guarantees.schema.json) beside it if absent."""
    from guarantees.cli.new import BadNameError, command_path, starter_text, write_schema_beside
    from guarantees.cli.output import announce, write_new

    path = output if output is not None else Path(f"{name}.yaml")
    try:
        text = starter_text(name, path)
    except BadNameError as error:
        fail(str(error))
    write_new(path, text, force=False, hint="choose another name, or a path with --output")
    announce(path, quiet=quiet, then=f"; check it with: guarantees validate {command_path(path)}")
    write_schema_beside(path, quiet=quiet)


def main() -> None:
    """Entry point of the `guarantees` console script."""
    import os

    from guarantees.cli.terminal import ignore_bad_terminal_size

    ignore_bad_terminal_size(os.environ)
    app()
