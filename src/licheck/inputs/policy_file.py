"""The policy: which licenses a project accepts, and the exceptions it grants for a while.

Default: only OSI-approved licenses (the core issue). A policy file (`.licheck.yaml`, `--policy
FILE` or `[tool.licheck]` in pyproject.toml) can instead require the OSD or OSAID, allow or deny
licenses and families (deny wins), and grant exceptions that expire: an active exception turns a
violation into a reported, suppressed finding; an expired one is itself a violation. An unknown
license is a violation ("cannot verify") unless the policy says `unknown: warn`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from licheck.errors import PolicyError
from licheck.records import FAIL_ON, FAIL_ON_ALIASES, REQUIREMENTS, FailOn, Policy, PolicyException

if TYPE_CHECKING:
    from licheck.inputs.yamlfile import LocatedDict
    from licheck.knowledge.catalog import Catalog

POLICY_FILE = ".licheck.yaml"
POLICY_KEYS = (
    "version",
    "require",
    "allow",
    "deny",
    "allow_families",
    "exceptions",
    "unknown",
    "unknown_base",
    "exclude",
    "obligations",
    "fail_on",
)
# What marks a project's root when the search for a policy goes up: a repository (.git, .hg,
# .svn) or a project file. The search never goes above it (see find_policy_file).
ROOT_MARKERS = (".git", ".hg", ".svn", "pyproject.toml", "setup.cfg")
EXCEPTION_KEYS = ("model", "license", "reason", "expires", "owner", "ticket")


def find_policy_file(start: Path, top: Path | None = None) -> Path | None:
    """`.licheck.yaml`, or a pyproject.toml with [tool.licheck], in `start` or a parent folder.

    The search never leaves the project: it stops at the nearest folder (from `start` up) that
    marks a project root (ROOT_MARKERS: a repository, a pyproject.toml or setup.cfg). With no
    such folder above (a tarball, a Docker build context), it goes no higher than `top` (the
    current folder, by default) when `start` is inside it, else it looks in `start` only, so a
    policy two folders above the project can never turn a gate green.
    """
    start = start.absolute()
    folders = [start, *start.parents]
    boundary = next(
        (i for i, f in enumerate(folders) if any((f / m).exists() for m in ROOT_MARKERS)), None
    )
    if boundary is None:
        top = (top or Path.cwd()).absolute()
        boundary = folders.index(top) if top in folders else 0
    for folder in folders[: boundary + 1]:
        candidate = folder / POLICY_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.licheck]" in _head(pyproject):
            return pyproject
    return None


def search_start(paths: Sequence[Path]) -> Path:
    """Where `scan` starts looking for its policy: the common folder of the scanned paths (a
    file stands for its folder), so the scanned tree's own policy applies wherever licheck runs
    from, and find_policy_file's boundary still holds above it."""
    folders = [os.path.abspath(path.parent if path.is_file() else path) for path in paths] or [
        os.getcwd()
    ]
    return Path(os.path.commonpath(folders))


def _head(path: Path) -> str:
    from licheck.errors import InputError
    from licheck.inputs.guarded import read_regular

    try:
        data = read_regular(path, limit=1024 * 1024, shown=str(path), head=True)
    except InputError:
        return ""
    return data.decode("utf-8", errors="replace")


def load_policy(path: Path, *, catalog: Catalog, shown: str | None = None) -> Policy:
    """Read and validate a policy file (YAML, or pyproject.toml's [tool.licheck] table)."""
    from licheck.inputs.yamlfile import read_text_file

    shown = shown or str(path)
    text = read_text_file(path, what="policy file", max_bytes=1024 * 1024, shown=shown)
    return policy_from_text(
        text, pyproject=path.name == "pyproject.toml", shown=shown, catalog=catalog
    )


def policy_from_text(text: str, *, pyproject: bool, shown: str, catalog: Catalog) -> Policy:
    """A policy file's text, validated (`licheck exception add` reads its edit back with it)."""
    if pyproject:
        return _from_pyproject(text, shown, catalog)
    from licheck.errors import InputError
    from licheck.inputs.yamlfile import LocatedDict, load_yaml

    try:
        data = load_yaml(text, source=shown)
    except InputError as exc:
        raise PolicyError(
            exc.message, file=exc.file, line=exc.line, column=exc.column, hint=exc.hint
        ) from exc
    if not isinstance(data, LocatedDict):
        raise PolicyError(
            "a policy must be a mapping of keys",
            file=shown,
            hint="run `licheck init` for a starter policy",
        )
    return _parse(data, shown, catalog)


def _from_pyproject(text: str, shown: str, catalog: Catalog) -> Policy:
    import tomllib

    from licheck.inputs.yamlfile import LocatedDict, Position

    try:
        table = tomllib.loads(text).get("tool", {}).get("licheck")
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML: {exc}", file=shown) from exc
    if not isinstance(table, dict):
        raise PolicyError("[tool.licheck] must be a table", file=shown)
    # TOML has no positions in tomllib; point at the table's header line instead.
    header = next(
        (n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[tool.licheck]"), 1
    )
    located = _locate(table, Position(header, 1))
    assert isinstance(located, LocatedDict)
    return _parse(located, shown, catalog)


def _locate(value: Any, position: Any) -> Any:
    """Plain TOML values wrapped as located ones, all at one position."""
    from licheck.inputs.yamlfile import LocatedDict, LocatedList

    if isinstance(value, dict):
        mapping = LocatedDict(position)
        for key, item in value.items():
            mapping[key] = _locate(item, position)
            mapping.key_positions[key] = mapping.value_positions[key] = position
        return mapping
    if isinstance(value, list):
        items = LocatedList(position)
        for item in value:
            items.append(_locate(item, position))
            items.item_positions.append(position)
        return items
    return value


def _error(
    message: str, source: str, data: LocatedDict, key: str | None = None, hint: str | None = None
) -> PolicyError:
    position = data.value_positions.get(key, data.position) if key else data.position
    return PolicyError(message, file=source, line=position.line, column=position.column, hint=hint)


def _names(data: LocatedDict, key: str, source: str) -> list[tuple[str, int]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
        raise _error(f"'{key}' must be a list of license names", source, data, key)
    positions = getattr(raw, "item_positions", [data.value_positions[key]] * len(raw))
    return [(item.strip(), pos.line) for item, pos in zip(raw, positions, strict=True)]


def _resolve(name: str, line: int, source: str, catalog: Catalog) -> str:
    from licheck.knowledge.catalog import did_you_mean

    resolution = catalog.resolve(name)
    if resolution is None:
        raise PolicyError(
            f"unknown license '{name}'",
            file=source,
            line=line,
            hint=did_you_mean(catalog.suggest(name)) or "run `licheck licenses` for known names",
        )
    return resolution.id


def _parse(data: LocatedDict, source: str, catalog: Catalog) -> Policy:
    import difflib

    for key in data:
        if key not in POLICY_KEYS:
            close = difflib.get_close_matches(key, POLICY_KEYS, n=1)
            raise PolicyError(
                f"unknown key '{key}'",
                file=source,
                line=data.key_positions[key].line,
                hint=f"did you mean '{close[0]}'?"
                if close
                else f"allowed keys: {', '.join(POLICY_KEYS)}",
            )
    if data.get("version") != 1 or isinstance(data.get("version"), bool):
        raise _error(
            "the policy needs `version: 1`",
            source,
            data,
            "version" if "version" in data else None,
            hint="this licheck reads policy version 1",
        )
    require = data.get("require", "osi-approved")
    if require not in REQUIREMENTS:
        raise _error(f"'require' must be one of {', '.join(REQUIREMENTS)}", source, data, "require")
    unknown = data.get("unknown", "fail")
    if unknown not in ("fail", "warn"):
        raise _error("'unknown' must be fail or warn", source, data, "unknown")
    unknown_base = data.get("unknown_base", "fail")
    if unknown_base not in ("fail", "warn"):
        raise _error("'unknown_base' must be fail or warn", source, data, "unknown_base")
    obligations = data.get("obligations", "off")
    if obligations not in ("off", "warn", "enforce"):
        raise _error("'obligations' must be off, warn or enforce", source, data, "obligations")
    fail_on = data.get("fail_on", "any")
    fail_on = FAIL_ON_ALIASES.get(fail_on, fail_on) if isinstance(fail_on, str) else fail_on
    if fail_on not in FAIL_ON:
        raise _error(
            f"'fail_on' must be one of {', '.join(FAIL_ON)}",
            source,
            data,
            "fail_on",
            hint="not-open fails only on licenses judged not open; unknown also on what "
            "licheck cannot verify; any (default) on every violation",
        )
    names: dict[str, str] = {}
    allow: set[str] = set()
    deny: set[str] = set()
    allow_lines: dict[str, int] = {}
    for key, target in (("allow", allow), ("deny", deny)):
        for name, line in _names(data, key, source):
            resolved = _resolve(name, line, source, catalog)
            target.add(resolved)
            names[resolved] = name
            if key == "allow":
                allow_lines.setdefault(resolved, line)
    family_lines: dict[str, int] = {}
    for name, line in _names(data, "allow_families", source):
        family_lines.setdefault(name.lower(), line)
    families = set(family_lines)
    return Policy(
        require=require,
        allow=frozenset(allow - deny),
        deny=frozenset(deny),
        allow_families=frozenset(families),
        exceptions=_exceptions(data, source, catalog),
        unknown=unknown,
        unknown_base=unknown_base,
        obligations=obligations,
        fail_on=fail_on,
        source=source,
        exclude=tuple(name for name, _line in _names(data, "exclude", source)),
        names=names,
        allow_lines=allow_lines,
        family_lines=family_lines,
    )


def _exceptions(data: LocatedDict, source: str, catalog: Catalog) -> tuple[PolicyException, ...]:
    from licheck.inputs.yamlfile import LocatedDict

    raw = data.get("exceptions")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _error("'exceptions' must be a list", source, data, "exceptions")
    found = []
    for item in raw:
        if not isinstance(item, LocatedDict):
            raise _error("each exception must be a mapping", source, data, "exceptions")
        for key in item:
            if key not in EXCEPTION_KEYS:
                raise _error(
                    f"unknown key '{key}' in an exception",
                    source,
                    item,
                    key,
                    hint=f"allowed keys: {', '.join(EXCEPTION_KEYS)}",
                )
        for key in ("model", "license", "reason", "expires"):
            if key not in item:
                raise _error(
                    f"an exception needs '{key}'",
                    source,
                    item,
                    hint="model (glob), license, reason and expires: YYYY-MM-DD",
                )
        for key in ("model", "license", "reason", "owner", "ticket"):
            if key in item and not (isinstance(item[key], (str, int)) and str(item[key]).strip()):
                raise _error(f"'{key}' must be text", source, item, key)
        expires = item["expires"]
        # A date-time is a date subclass in Python; an exception expires on a day, not a time.
        if not isinstance(expires, date) or isinstance(expires, datetime):
            raise _error(
                "'expires' must be a date written YYYY-MM-DD",
                source,
                item,
                "expires",
                hint="a day, without a time: e.g. 2027-03-31",
            )
        license_name = str(item["license"]).strip()
        line = item.value_positions["license"].line
        found.append(
            PolicyException(
                model=str(item["model"]).strip(),
                license=license_name,
                license_id=_resolve(license_name, line, source, catalog),
                reason=str(item["reason"]).strip(),
                expires=expires,
                owner=str(item["owner"]) if "owner" in item else None,
                ticket=str(item["ticket"]) if "ticket" in item else None,
                line=item.position.line,
            )
        )
    return tuple(found)


STARTER_POLICY = """\
# licheck policy (https://github.com/licheck/licheck#policy). Checked into the repository root,
# it applies to every `licheck` run below it; `--policy FILE` names another one.
version: 1

# What every license a model needs must be:
#   osi-approved  on OSI's list of approved licenses (default)
#   osd           open source against the ten OSD criteria, approved or not (e.g. CC-BY-4.0)
#   osaid         as osd, and the model must meet the Open Source AI Definition 1.0
require: osi-approved

# Licenses accepted or refused whatever `require` says (any name licheck knows; deny wins).
allow: []
#  - CC-BY-4.0
deny: []
#  - llama2

# Families of licenses accepted whatever `require` says (see `licheck licenses`).
allow_families: []

# Time-limited exceptions: the violation is reported as suppressed until `expires`, then it is a
# violation again. One expiring within 30 days gives a warning.
exceptions: []
#  - model: "Llama-2-*"            # a glob on the model's name or file path
#    license: llama2
#    reason: "internal evaluation only; legal review LEGAL-123"
#    expires: 2027-03-31
#    owner: ml-platform@example.com
#    ticket: LEGAL-123

# A license licheck cannot identify or judge: fail (default) or warn.
unknown: fail

# A base model whose license licheck cannot know (not in this run, not in its table of base
# models, a loop of bases): fail (default: a derivative inherits its base's terms) or warn.
unknown_base: fail

# Whether `licheck check` also checks each license's obligations against the model's files (a
# copy of the license, the Notice file, the name prefix, the use restrictions passed on):
#   off      not checked (default; `licheck obligations PATH` checks them on demand)
#   warn     checked and reported; an unmet obligation is a warning, the run still passes
#   enforce  checked and reported; an unmet obligation is a violation (exit 1)
# obligations: off

# Which violations fail the run (a threshold; every violation is reported whatever it says):
#   not-open  only a license judged not open source, and what this policy rejects itself
#   unknown   also what licheck cannot verify (an unknown license, an unread text)
#   any       also a license judged open that `require` rejects (default)
# fail_on: any
"""


def fail_threshold(name: str) -> FailOn:
    """A `--fail-on` value as a threshold of records.FAIL_ON (an alias named as its level)."""
    name = FAIL_ON_ALIASES.get(name, name)
    for threshold in FAIL_ON:
        if threshold == name:
            return threshold
    raise PolicyError(
        f"unknown fail-on threshold '{name}'", hint=f"choose one of {', '.join(FAIL_ON)}"
    )


def named_policy(require: str) -> Policy:
    """The default policy with a `--require` value."""
    if require not in REQUIREMENTS:
        raise PolicyError(
            f"unknown requirement '{require}'", hint=f"choose one of {', '.join(REQUIREMENTS)}"
        )
    return Policy(require=require)
