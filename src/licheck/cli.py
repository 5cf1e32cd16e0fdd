"""The command line: parse options, call the core, pick a format, return an exit code.

Exit codes are a contract with CI: 0 pass, 1 policy violation, 2 bad input or usage, 3 a bug in
licheck (with a --traceback flag to see it). Nothing else in licheck prints.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from licheck import __version__
from licheck.errors import LicheckError

EXIT_PASS = 0
EXIT_VIOLATION = 1
EXIT_INPUT = 2
EXIT_BUG = 3

COMMANDS = ("check", "explain", "licenses")


class _DefaultToCheck(click.Group):
    """`licheck FILE` means `licheck check FILE`: the common case needs no sub-command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licheck")
@click.option(
    "--traceback",
    is_flag=True,
    expose_value=False,
    help="Show the Python traceback of an internal error.",
)
def cli() -> None:
    """Is this AI model's license really open source?

    licheck judges every license of a model against the ten criteria of the Open Source
    Definition, shows the clauses that break them, and exits 1 when the policy (by default:
    OSI-approved licenses only) rejects one.

    \b
      licheck model.yaml                check a model (same as `licheck check model.yaml`)
      licheck --format json model.yaml  machine-readable report
      licheck explain llama2            what licheck knows about a license

    Exit codes: 0 pass, 1 policy violation, 2 bad input or usage, 3 internal error.
    """


def _color_wanted(stream: Any, choice: bool | None) -> bool:
    """Colour only on a terminal, never when NO_COLOR is set (https://no-color.org)."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _emit(text: str, output: Path | None, *, color: bool = False) -> None:
    if output is None:
        # color=True: click would otherwise strip the ANSI codes the user asked for off a pipe.
        click.echo(text, nl=False, color=color)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise LicheckError(
            f"cannot write the report: {exc.strerror or exc}", file=str(output)
        ) from exc


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "format_name",
    type=click.Choice(["auto", "terminal", "json"]),
    default="auto",
    show_default=True,
    help="Report format; auto is the terminal report.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE.",
)
@click.option(
    "--require",
    type=click.Choice(["osi-approved", "osd"]),
    default="osi-approved",
    show_default=True,
    help="What a license must be: on OSI's list, or open against the OSD (approved or not).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Force or forbid colour (default: on a terminal, unless NO_COLOR).",
)
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Let license_file paths leave the model's folder (refused by default).",
)
def check(
    paths: tuple[Path, ...],
    format_name: str,
    output: Path | None,
    require: str,
    color: bool | None,
    allow_outside: bool,
) -> int:
    """Check the licenses of the models described by PATHS (model.yaml files or license texts)."""
    from licheck.check import run_check
    from licheck.formats import RenderOptions, renderer

    report = run_check(list(paths), require=require, allow_outside=allow_outside)
    name = "terminal" if format_name == "auto" else format_name
    stream = sys.stdout if output is None else None
    options = RenderOptions(color=_color_wanted(stream, color) if name == "terminal" else False)
    _emit(renderer(name)(report, options), output, color=options.color)
    return EXIT_PASS if report.passed else EXIT_VIOLATION


@cli.command()
@click.argument("license_name")
@click.option(
    "--format", "-f", "format_name", type=click.Choice(["terminal", "json"]), default="terminal"
)
@click.option("--color/--no-color", default=None, help="Force or forbid colour.")
def explain(license_name: str, format_name: str, color: bool | None) -> int:
    """Show what licheck knows about a license: verdict per criterion, evidence, obligations."""
    from licheck.explain import explain_license, render_explanation

    explanation = explain_license(license_name)
    wanted = _color_wanted(sys.stdout, color)
    click.echo(render_explanation(explanation, format_name, color=wanted), nl=False, color=wanted)
    return EXIT_PASS


@cli.command(name="licenses")
@click.option(
    "--verdict",
    type=click.Choice(["osi-approved", "open", "not-open", "unknown"]),
    help="Only this verdict.",
)
@click.option("--family", help="Only this family (e.g. llama, rail, gemma).")
@click.option("--matrix", is_flag=True, help="Draw licenses x the ten criteria as a grid.")
@click.option(
    "--format", "-f", "format_name", type=click.Choice(["terminal", "json"]), default="terminal"
)
@click.option("--color/--no-color", default=None, help="Force or forbid colour.")
def licenses_command(
    verdict: str | None, family: str | None, matrix: bool, format_name: str, color: bool | None
) -> int:
    """List the licenses licheck knows, with their verdicts."""
    from licheck.explain import list_licenses, render_license_list

    rows = list_licenses(verdict=verdict, family=family)
    wanted = _color_wanted(sys.stdout, color)
    text = render_license_list(rows, format_name, matrix=matrix, color=wanted)
    click.echo(text, nl=False, color=wanted)
    return EXIT_PASS


def _print_error(exc: LicheckError) -> None:
    click.echo(f"licheck: error: {exc}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run licheck and return its exit code (the console script and `python -m licheck`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    args = [a for a in args if a != "--traceback"]
    try:
        result = cli.main(args=args, prog_name="licheck", standalone_mode=False)
    except LicheckError as exc:
        _print_error(exc)
        return EXIT_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except click.exceptions.Abort:
        click.echo("licheck: aborted", err=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        click.echo("licheck: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return EXIT_PASS
    except Exception:
        if show_traceback:
            import traceback

            traceback.print_exc()
        click.echo(
            f"licheck: internal error (this is a bug in licheck {__version__}); "
            "run again with --traceback and report it",
            err=True,
        )
        return EXIT_BUG
    return int(result) if isinstance(result, int) else EXIT_PASS
