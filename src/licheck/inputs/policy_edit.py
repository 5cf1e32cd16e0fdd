"""`licheck exception add`: a reviewed, time-limited exception written into the policy file.

The policy file is the project's own text, with its comments and layout: the exception is
added by editing the text minimally (the entry inserted after the last one, `exceptions: []`
opened into a list, or the key appended), never by loading and re-dumping the file, which
would lose every comment. A pyproject.toml gets a `[[tool.licheck.exceptions]]` table at its
end. The edited text is read back as a policy before anything is written: if it does not give
exactly the old exceptions plus the new one, nothing is written and the error says why.

An exception is a decision a person answers for, so it is refused when it cannot be one: a
license licheck does not know (with the closest names), an empty reason, an expiry in the past
or more than a year ahead (unless the caller allows a long one), or a second exception for the
same model and license (renew the existing entry instead). This module returns the new text
and the bytes to write, in the file's own encoding (a UTF-8 byte-order mark stays, UTF-16 stays
UTF-16) with each line's own ending (CRLF stays CRLF; added lines take the file's convention);
the CLI writes them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from licheck.errors import PolicyError
from licheck.records import Policy, PolicyException

if TYPE_CHECKING:
    from licheck.knowledge.catalog import Catalog

# An exception is reviewed again at least yearly: a longer one needs saying so.
LONGEST_EXPIRY_DAYS = 366
MARK = "added by `licheck exception add`"


class NewException(msgspec.Struct, frozen=True):
    """What `licheck exception add` was asked to write."""

    license: str
    model: str
    reason: str
    expires: date
    owner: str | None = None
    ticket: str | None = None


class EditedPolicy(msgspec.Struct, frozen=True):
    """The policy file's new text, the bytes to write (its encoding and byte-order mark as the
    file had them), and the exception as licheck reads it back (with its line)."""

    text: str
    exception: PolicyException
    data: bytes


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def check_request(entry: NewException, *, catalog: Catalog, today: date, allow_long: bool) -> str:
    """Refuse an exception nobody could answer for; return the license id it resolves to."""
    for field_name, value in (("reason", entry.reason), ("model", entry.model)):
        if not value.strip():
            raise PolicyError(
                f"the exception needs a {field_name}",
                hint="--reason says why the license is accepted for now (a review, a ticket)"
                if field_name == "reason"
                else "--model is a glob on the model's name or file path, e.g. 'Llama-2-*'",
            )
    if entry.expires < today:
        raise PolicyError(
            f"the expiry {entry.expires.isoformat()} is in the past (today is {today.isoformat()})",
            hint="give the day the exception should end, YYYY-MM-DD",
        )
    limit = _a_year_after(today)
    if entry.expires > limit and not allow_long:
        raise PolicyError(
            f"the expiry {entry.expires.isoformat()} is more than a year ahead (after "
            f"{limit.isoformat()})",
            hint="an exception is reviewed at least yearly: pick an earlier date, or pass "
            "--allow-long-expiry if a longer one was decided",
        )
    resolution = catalog.resolve(entry.license)
    if resolution is None:
        from licheck.knowledge.catalog import did_you_mean

        raise PolicyError(
            f"licheck does not know the license '{entry.license}'",
            hint=did_you_mean(catalog.suggest(entry.license))
            or "run `licheck licenses` for the names licheck knows",
        )
    return resolution.id


def _quoted(text: str) -> str:
    """A double-quoted scalar that YAML and TOML read back as `text`: printable ASCII as it
    is, everything else (controls, line breaks, non-ASCII) as a \\u or \\U escape, which both
    languages define the same way."""
    out = []
    for char in text.strip():
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif 0xD800 <= code <= 0xDFFF:
            raise PolicyError(
                "the exception holds a character that is not text (a lone surrogate)",
                hint="check the encoding of the arguments",
            )
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def _fields(entry: NewException) -> list[tuple[str, str]]:
    fields = [
        ("model", _quoted(entry.model)),
        ("license", _quoted(entry.license)),
        ("reason", _quoted(entry.reason)),
        ("expires", entry.expires.isoformat()),
    ]
    fields += [(k, _quoted(v)) for k, v in (("owner", entry.owner), ("ticket", entry.ticket)) if v]
    return fields


_KEY = re.compile(r"^exceptions[ \t]*:(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)- ")


def _yaml_entry(entry: NewException, indent: str, today: date) -> list[str]:
    lines = [f"{indent}# {MARK} on {today.isoformat()}"]
    for number, (key, value) in enumerate(_fields(entry)):
        lines.append(f"{indent}{'- ' if number == 0 else '  '}{key}: {value}")
    return lines


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _lines(text: str) -> tuple[list[str], str]:
    """The text's lines, each with its own ending, and the ending added lines get.

    Only LF and CRLF end a line here (not `str.splitlines`' form feeds, U+2028 and the like, so
    a comment holding one is written back as it was). Added lines take the file's convention:
    CRLF when most of its lines end so. A last line without an ending gets one, as it is no
    longer last.
    """
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    crlf = sum(line.endswith("\r\n") for line in lines)
    newline = "\r\n" if crlf * 2 > sum(line.endswith("\n") for line in lines) else "\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    return lines, newline


def _bare(line: str) -> str:
    return line.rstrip("\r\n")


def yaml_with_exception(text: str, entry: NewException, today: date) -> str:
    """The YAML policy text with the entry added, everything else as it was."""
    lines, newline = _lines(text)

    def ended(added: list[str]) -> list[str]:
        return [line + newline for line in added]

    found = next((i for i, line in enumerate(lines) if _KEY.match(_bare(line))), None)
    if found is None:
        # No exceptions yet: the key and the entry at the end.
        return "".join([*lines, *ended(["exceptions:", *_yaml_entry(entry, "  ", today)])])
    match = _KEY.match(_bare(lines[found]))
    assert match is not None
    rest = re.sub(r"(^|\s)#.*$", "", match["rest"]).strip()
    if rest in ("[]", "", "~", "null"):
        comment = match["rest"][match["rest"].find("#") :] if "#" in match["rest"] else ""
        # The key's line keeps its own ending.
        head = "exceptions:" + (f"  {comment.strip()}" if comment else "")
        head += lines[found][len(_bare(lines[found])) :]
        last, indent = found, "  "
        for number in range(found + 1, len(lines)):
            line = _bare(lines[number])
            if not _content(line):
                continue
            item = _ITEM.match(line)
            if line[:1] not in (" ", "\t") and item is None:
                break  # the next top-level key
            if rest == "[]":
                break  # `exceptions: []` has no items below it
            if item is not None and last == found:
                indent = item["indent"]
            last = number
        new = [*lines[:found], head, *lines[found + 1 : last + 1]]
        new += ended(_yaml_entry(entry, indent, today))
        new += lines[last + 1 :]
        return "".join(new)
    raise PolicyError(
        "the policy's exceptions are written in flow style ([...]); licheck adds an entry "
        "only to a block list",
        line=found + 1,
        hint="write the exceptions as a list of '- model: ...' items, or add the entry by hand",
    )


_TABLE = re.compile(r"^\s*\[")
_TOML_KEY = re.compile(r"^\s*exceptions\s*=")


def toml_with_exception(text: str, entry: NewException, today: date) -> str:
    """pyproject.toml with a `[[tool.licheck.exceptions]]` table appended."""
    lines, newline = _lines(text)
    bare = [_bare(line) for line in lines]
    header = next((i for i, line in enumerate(bare) if line.strip() == "[tool.licheck]"), None)
    if header is None:
        raise PolicyError(
            "pyproject.toml has no [tool.licheck] table of its own",
            hint="add the exception by hand, or keep the policy in .licheck.yaml",
        )
    for number in range(header + 1, len(lines)):
        if _TABLE.match(bare[number]):
            break
        if _TOML_KEY.match(bare[number]):
            raise PolicyError(
                "[tool.licheck] writes its exceptions as an inline array; licheck adds an "
                "entry only as a [[tool.licheck.exceptions]] table",
                line=number + 1,
                hint="turn the array into [[tool.licheck.exceptions]] tables, or add the "
                "entry by hand",
            )
    added = ["", f"# {MARK} on {today.isoformat()}", "[[tool.licheck.exceptions]]"]
    added += [f"{key} = {value}" for key, value in _fields(entry)]
    while lines and not _bare(lines[-1]).strip():
        lines.pop()
    return "".join([*lines, *(line + newline for line in added)])


def add_exception(
    path: Path,
    entry: NewException,
    *,
    catalog: Catalog,
    today: date,
    allow_long: bool = False,
    shown: str | None = None,
) -> EditedPolicy:
    """The policy file at `path` with `entry` added, checked by reading it back."""
    from licheck.inputs.policy_file import load_policy, policy_from_text
    from licheck.inputs.yamlfile import decode_text, read_file_bytes, text_encoding

    shown = shown or str(path)
    license_id = check_request(entry, catalog=catalog, today=today, allow_long=allow_long)
    before = load_policy(path, catalog=catalog, shown=shown)
    for existing in before.exceptions:
        if existing.model == entry.model.strip() and existing.license_id == license_id:
            raise PolicyError(
                f"an exception for {existing.model} / {existing.license} already exists "
                f"(until {existing.expires.isoformat()})",
                file=shown,
                line=existing.line,
                hint="renew it by editing its `expires` and `reason` there",
            )
    data = read_file_bytes(path, what="policy file", max_bytes=1024 * 1024, shown=shown)
    text = decode_text(data, shown, "policy file")
    pyproject = path.name == "pyproject.toml"
    try:
        edited = (toml_with_exception if pyproject else yaml_with_exception)(text, entry, today)
    except PolicyError as exc:
        exc.file = shown
        raise
    after = policy_from_text(edited, pyproject=pyproject, shown=shown, catalog=catalog)
    added = _the_one_added(before, after)
    if added is None or added.license_id != license_id or added.expires != entry.expires:
        raise PolicyError(
            "licheck could not add the exception without changing the rest of the policy "
            "(its layout is one licheck does not edit)",
            file=shown,
            hint="add the entry by hand: " + ", ".join(f"{k}: {v}" for k, v in _fields(entry)),
        )
    bom, codec = text_encoding(data)
    return EditedPolicy(edited, added, bom + edited.encode(codec))


def _the_one_added(before: Policy, after: Policy) -> PolicyException | None:
    """The exception `after` holds beyond `before`'s (compared without their lines), when that
    is the only difference in the policy."""
    from licheck.records import replace

    def unlocated(policy: Policy) -> list[PolicyException]:
        return [replace(e, line=None) for e in policy.exceptions]

    old, new = unlocated(before), unlocated(after)
    if len(new) != len(old) + 1 or replace(before, exceptions=()) != replace(after, exceptions=()):
        return None
    remaining = list(new)
    for exception in old:
        if exception not in remaining:
            return None
        remaining.remove(exception)
    (added,) = remaining
    return next(e for e in after.exceptions if replace(e, line=None) == added)
