"""`licheck exception add LICENSE --reason … --expires …`: a reviewed exception, written into
the policy file (as LicenseFinder's `approvals add --who --why`).

Click only, as cli.py: parse the options, call `inputs.policy_edit.add_exception` (which
checks the request, edits the text minimally and reads it back), write the file whole, say
what was written. Every refusal is a PolicyError: exit 2 with what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from licheck.cli_output import parse_day, rewrite_file


@click.group(name="exception")
def exception_group() -> None:
    """Manage the policy's time-limited exceptions."""


@exception_group.command(name="add")
@click.argument("license_name", metavar="LICENSE")
@click.option(
    "--model",
    default="*",
    show_default=True,
    metavar="GLOB",
    help="The models it covers: a glob on the model's name or file path.",
)
@click.option("--reason", required=True, help="Why the license is accepted for now.")
@click.option("--expires", "expires_text", required=True, metavar="YYYY-MM-DD")
@click.option("--by", "owner", metavar="WHO", help="Who answers for it (written as `owner`).")
@click.option("--ticket", metavar="ID", help="The review or ticket behind it.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (default: .licheck.yaml or [tool.licheck] in pyproject.toml, searched "
    "upwards).",
)
@click.option(
    "--allow-long-expiry",
    is_flag=True,
    help="Accept an expiry more than a year ahead (refused by default).",
)
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Today, for reproducible runs.")
def add(
    license_name: str,
    model: str,
    reason: str,
    expires_text: str,
    owner: str | None,
    ticket: str | None,
    policy_file: Path | None,
    allow_long_expiry: bool,
    today_text: str | None,
) -> int:
    """Add an exception for LICENSE (any name licheck knows) to the policy file, keeping the
    file's comments and layout; it suppresses the license's violations until --expires."""
    from datetime import date

    from licheck.errors import PolicyError
    from licheck.formats.sanitise import display, guard_lines
    from licheck.inputs.policy_edit import NewException, add_exception
    from licheck.inputs.policy_file import find_policy_file
    from licheck.knowledge.catalog import Catalog

    today = date.today() if today_text is None else parse_day(today_text, "--today")
    entry = NewException(
        license=license_name,
        model=model,
        reason=reason,
        expires=parse_day(expires_text, "--expires"),
        owner=owner,
        ticket=ticket,
    )
    path = policy_file or find_policy_file(Path.cwd())
    if path is None:
        raise PolicyError(
            "no policy file to add the exception to",
            hint="run `licheck init` to write .licheck.yaml, or pass --policy FILE",
        )
    shown = os.path.relpath(path) if policy_file is None else str(path)
    edited = add_exception(
        path,
        entry,
        catalog=Catalog(),
        today=today,
        allow_long=allow_long_expiry,
        shown=shown,
    )
    # The bytes as the file was encoded: its BOM, its newlines and its permissions stay.
    rewrite_file(path, edited.data)
    added = edited.exception
    click.echo(
        guard_lines(
            display(
                f"added to {shown}:{added.line}: an exception for {added.model} / "
                f"{added.license} until {added.expires.isoformat()}; review and commit it"
            )
        ),
        err=True,
    )
    return 0
