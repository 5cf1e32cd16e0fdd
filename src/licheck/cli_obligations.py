"""`licheck obligations PATH...`: does a model about to be published do what its licenses demand?

Click only, as cli.py: parse the options, call `check.run_obligations`, pick a format, return
the exit code (0: no obligation unmet; 1: one is unmet, or unknown with --strict; 2: bad input).
Kept out of cli.py so that no module grows past ~600 lines.
"""

from __future__ import annotations

from pathlib import Path

import click

from licheck.cli import _report_options, _Run, cli


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report_options
@click.option(
    "--strict", is_flag=True, help="An obligation licheck cannot check fails too (exit 1)."
)
def obligations(paths: tuple[Path, ...], run: _Run, strict: bool) -> int:
    """Check every obligation of every license the models at PATHS carry or inherit (a copy of
    the license, Notice text, name prefix, attribution, use restrictions passed on) against
    their files: met, unmet (with what to add) or unknown."""
    from licheck.check import run_obligations
    from licheck.inputs.registry import InputOptions

    options = InputOptions(allow_outside=run.allow_outside, online=run.online)
    report = run_obligations(
        list(paths),
        strict=strict,
        policy_file=run.policy_file,
        today=run.today,
        options=options,
    )
    run.outputs.write(report)
    return run.exit_code(report.passed)
