"""Help that reads as Python command lines' help does: `FILES...`, `--top N`, `--force`.

typer's own help writes a type after every name (`FILES <list[str]>`, `--force <bool>`,
`--top <int range>`) and braces in the usage line (`{FILES}...`). Here options show their
metavar (`N`, `PATH`) or, for flags, nothing, and arguments their name alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typer.core import TyperArgument, TyperCommand


class PlainHelpCommand(TyperCommand):
    """A command whose help names arguments by their metavar alone, without a type."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] FILES...`: each argument by its metavar, optional ones in brackets."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(argument_name(param, usage=True))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The arguments (name and help), then the options, as click lays them out."""
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                args.append((argument_name(param, usage=False), record[1]))
            else:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def argument_name(param: TyperArgument, *, usage: bool) -> str:
    """`FILES...`, `FILE`; `[NAME]` in the usage line when it is optional."""
    name = param.metavar or (param.name or "").upper()
    name += "..." if param.nargs != 1 else ""
    return f"[{name}]" if usage and not param.required else name


def plain_help(commands: Mapping[str, Any]) -> None:
    """Give every typer command of a group this help (commands made by typer are plain
    `TyperCommand`s; a command given its own class keeps it)."""
    for command in commands.values():
        if type(command) is TyperCommand:
            command.__class__ = PlainHelpCommand
