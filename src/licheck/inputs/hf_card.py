"""Hugging Face model cards: the YAML front matter of a README.md, read the way the Hub reads it.

Most models reach users as a Hub repository, whose only license metadata is the card's front
matter (`license:`, `license_name:`, `license_link:`, `base_model:`, gating keys). licheck takes
it as it is, with every error located on the README's own lines, so that a user can fix the
card they publish rather than write a second description.

Decisions (the Hub documents the keys, not every corner; these are ours, and why):

- No front matter, or an empty one, is not an error: the Hub shows such a model with no
  license, so licheck reads it as a model that declares none (`license` None), which the engine
  reports as a violation. A front matter that is opened and never closed is an error, because
  the Hub would then ignore metadata the author believes is there.
- `license:` as a list is read as an AND of its items. The Hub tags the model with every item
  and says nothing of a choice between them; in practice authors list the licenses of
  different parts (code, weights), all of which bind a user. Reading it as OR would let the
  most permissive item decide, which no list on the Hub promises.
- `license: other` and `license: unknown` are kept as written: the engine resolves them (other:
  see license_name and the license text; unknown: the author does not know the license). No
  `license` key, an empty or a null one, gives `license` None: nothing is declared.
- `license_link` naming a relative file beside the card is read (within the card's folder: see
  inputs/paths.py). A file that is not there is not an error: the Hub accepts such a card and a
  partial download (a Hugging Face cache) often lacks it; the record then has no text and the
  engine's "other" verdict says to add it. A URL is fetched only when `online` is True.
  A README also owns the license files beside it (LICENSE*, LICENSE-MODEL*, USE_POLICY*...),
  which are read with their roles; a card saved under another name does not, since such cards
  often share one folder by the thousand.
- Gating (`gated`, `extra_gated_*`) is an access condition that the card declares; it becomes
  a Finding with source="input" on the key's line (see `gate_findings` for the statuses).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from licheck.errors import InputError
from licheck.inputs.paths import read_license_file
from licheck.inputs.registry import ReadContext, refuse_folder
from licheck.inputs.yamlfile import (
    MAX_YAML_BYTES,
    LocatedDict,
    LocatedList,
    Position,
    load_yaml,
    read_text_file,
)
from licheck.records import Finding, LicenseText, ModelRecord
from licheck.regex import on_first_use

FORMAT = "hf-card"
# A card holds prose, tables and images inline; only its front matter is parsed, but the whole
# file is read, so bound it well above real cards (the largest seen are a few hundred KB).
MAX_CARD_BYTES = 4 * 1024 * 1024
# The gating keys the Hub documents for the access-request form (models-gated.md).
GATE_FORM_KEYS = (
    "extra_gated_prompt",
    "extra_gated_fields",
    "extra_gated_heading",
    "extra_gated_description",
    "extra_gated_button_content",
)
# The keys that decide a license are read strictly; a repeated identical key elsewhere warns.
STRICT_KEYS = frozenset(
    {"license", "license_name", "license_link", "base_model", "base_model_relation", "gated"}
    | set(GATE_FORM_KEYS)
    | {"extra_gated_eu_disallowed"}
)
# Evaluation results: large on real cards, never read beyond a name, so not held to the limits.
BULK_KEYS = frozenset({"model-index"})
# The Hub's automatic tags naming a base: `base_model:ORG/NAME` and `base_model:REL:ORG/NAME`.
_BASE_TAG = on_first_use(r"base_model:(?:(finetune|quantized|adapter|merge):)?(\S+/\S+)")
_FENCE = on_first_use(r"---[ \t]*")
_LINE_BREAK = on_first_use(r"\r\n|\r|\n")
_EVIDENCE_CHARS = 160


def split_front_matter(text: str, *, source: str) -> tuple[str, int] | None:
    """The YAML between the opening and closing `---` lines, and the file line it starts on.

    None when the card has no front matter. Like the Hub, blank lines may come before the
    opening `---`; the closing one must be a line of its own.
    """
    # Only CR and LF end lines, as for YAML and the Hub; str.splitlines would also split on form
    # feeds and Unicode separators, shifting the line numbers that errors report.
    lines = _LINE_BREAK.split(text)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or not _FENCE.fullmatch(lines[start]):
        return None
    for index in range(start + 1, len(lines)):
        if _FENCE.fullmatch(lines[index]):
            return "\n".join(lines[start + 1 : index]), start + 2
    raise InputError(
        f"the card's metadata block opened on line {start + 1} is never closed",
        file=source,
        line=start + 1,
        hint="end the YAML front matter with a line holding only `---`",
    )


def _kind(value: Any) -> str:
    """What a value is, in the card author's words (never a Python type name)."""
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return "a date" if hasattr(value, "isoformat") else "a value of another kind"


def _wrong_type(data: LocatedDict, key: str, source: str, expected: str) -> InputError:
    pos = data.value_positions[key]
    value = data[key]
    hint = (
        f'quote the value: {key}: "{value}"'
        if not isinstance(value, (list, dict)) and expected.startswith("text")
        else None
    )
    return InputError(
        f"'{key}' must be {expected}, not {_kind(value)}",
        file=source,
        line=pos.line,
        column=pos.column,
        hint=hint,
    )


def _text(data: LocatedDict, key: str, source: str) -> str | None:
    """An optional text value; null or blank means absent, numbers and lists are refused."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong_type(data, key, source, "text")
    return value.strip() or None


def _names(
    data: LocatedDict, key: str, source: str, warnings: list[str] | None = None
) -> tuple[str, ...]:
    """A value the Hub allows as one name or a list of names (base_model, datasets, license).

    With `warnings` (a key that does not decide the license, such as `datasets`), an empty or
    non-text item is passed over with a warning instead of refused.
    """
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, LocatedList):
        raise _wrong_type(data, key, source, "text or a list of text")
    names: list[str] = []
    for item, pos in zip(value, value.item_positions, strict=True):
        if not isinstance(item, str) or not item.strip():
            if warnings is not None:
                warnings.append(
                    f"{source}:{pos.line}: an item of '{key}' is {_kind(item)}, not a name; "
                    "it is ignored"
                )
                continue
            raise InputError(
                f"each item of '{key}' must be a name, not {_kind(item)}",
                file=source,
                line=pos.line,
                column=pos.column,
            )
        if item.strip() not in names:
            names.append(item.strip())
    return tuple(names)


def _tag_bases(
    data: LocatedDict, source: str, warnings: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The bases the Hub's automatic `base_model:*` tags name, and the relations they give."""
    tags = data.get("tags")
    if tags is None:
        return (), ()
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        warnings.append(f"{source}:{data.line_of('tags')}: 'tags' is {_kind(tags)}; ignored")
        return (), ()
    bases: list[str] = []
    relations: list[str] = []
    for tag in tags:
        match = _BASE_TAG.fullmatch(tag.strip()) if isinstance(tag, str) else None
        if match is None:
            continue
        bases.append(match.group(2))
        if match.group(1):
            relations.append(match.group(1))
    return tuple(dict.fromkeys(bases)), tuple(relations)


def license_expression(items: tuple[str, ...]) -> str | None:
    """The card's `license` items as one expression: AND of all (see the module's docstring)."""
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    # An item with spaces may itself be an expression ("mit OR apache-2.0") or a name with
    # spaces; parentheses keep either one a single operand of the AND.
    return " AND ".join(f"({item})" if any(c.isspace() for c in item) else item for item in items)


def _is_readme(source: str) -> bool:
    # The last part of the path, as Path(source).name, without building a Path per card.
    return os.path.basename(source.rstrip("/")).lower().startswith("readme")


def _model_name(data: LocatedDict, source: str, folder: Path | None) -> str:
    """model_name, else the first model-index name, else the folder's name, else the file's.

    The folder names the model only for a README (a repository's card, as on the Hub); a card
    saved under its own name (`acme-7b.md`) is better named by that file.
    """
    name = _text(data, "model_name", source)
    if name:
        return name
    index = data.get("model-index")
    # model-index is eval-results metadata; licheck reads only a name from it, so a shape it
    # cannot use is passed over rather than refused.
    if isinstance(index, list) and index and isinstance(index[0], dict):
        candidate = index[0].get("name")
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    if folder is not None and _is_readme(source):
        from licheck.inputs.layout import folder_model_name

        return folder_model_name(folder)
    return Path(source).name or source


def _gate_mode(data: LocatedDict, source: str) -> str | bool | None:
    """`gated` as the Hub knows it: true/false, "auto" or "manual" (None when absent)."""
    value = data.get("gated")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("auto", "manual", "true", "false"):
        mode = value.strip().lower()
        return {"true": True, "false": False}.get(mode, mode)
    raise _wrong_type(data, "gated", source, "true, false, auto or manual")


# A checkbox that only asks for consent to be contacted accepts no terms (issue 14).
_CONSENT_ONLY = on_first_use(
    r"\b(e-?mails?|newsletters?|marketing|promotional|updates|news|contact(ed)?)\b", re.I
)
_ACCEPTS_TERMS = on_first_use(
    r"\b(agree|accept|terms|licen[cs]e|polic(y|ies)|comply|acknowledge|conditions)\b", re.I
)


def _has_checkbox(fields: Any) -> bool:
    """Whether the access form makes the user tick a box to accept terms (the Hub's way).

    A box whose label only asks for consent to e-mails or marketing is not acceptance of terms.
    """
    if not isinstance(fields, dict):
        return False
    for label, value in fields.items():
        kind = value.get("type") if isinstance(value, dict) else value
        if not (isinstance(kind, str) and kind.strip().lower() == "checkbox"):
            continue
        text = str(label)
        if _CONSENT_ONLY.search(text) and not _ACCEPTS_TERMS.search(text):
            continue
        return True
    return False


def _evidence(value: str) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= _EVIDENCE_CHARS else flat[: _EVIDENCE_CHARS - 1] + "…"


def gate_findings(data: LocatedDict, source: str) -> tuple[Finding, ...]:
    """The access conditions a card declares, as findings against the OSD (source="input").

    Statuses, following OSD.md:
    - a gate whose form makes the user accept terms (an `extra_gated_prompt`, or a checkbox
      field) fails OSD7, since recipients must accept terms with the licensor before they get
      the model, and fails OSD10, since that acceptance is by clicking the Hub's button;
    - a gate that only collects contact details (or waits for manual approval) is `unknown` on
      OSD7: it is a registration with the licensor, but on the download channel, and whether
      the license lets copies pass on without it is for a human (and the license text) to say;
    - `extra_gated_eu_disallowed: true` fails OSD5: a whole region is excluded, which OSD.md
      lists as discrimination against persons, unlike general sanctions compliance.
    """
    findings: list[Finding] = []
    mode = _gate_mode(data, source)
    for key in GATE_FORM_KEYS:
        if key != "extra_gated_fields" and key in data:
            _text(data, key, source)  # type check: these are texts
    fields = data.get("extra_gated_fields")
    if fields is not None and not isinstance(fields, (dict, list)):
        raise _wrong_type(data, "extra_gated_fields", source, "a mapping of field names to types")
    prompt = _text(data, "extra_gated_prompt", source)
    configured = [k for k in GATE_FORM_KEYS if data.get(k) not in (None, "", [], {})]
    gated = mode not in (None, False) or (mode is None and bool(configured))
    if gated:
        anchor = "gated" if "gated" in data else (configured[0] if configured else "gated")
        line = data.line_of(anchor)
        terms = prompt is not None or _has_checkbox(fields)
        if terms:
            evidence = _evidence(prompt) if prompt else "extra_gated_fields: a checkbox to accept"
            findings.append(
                Finding(
                    criterion="OSD7",
                    status="fail",
                    message=(
                        "the model is gated on the Hub behind terms that each recipient must "
                        "accept with the author before downloading: the rights do not pass to "
                        "recipients without a further agreement"
                    ),
                    evidence=evidence,
                    file=source,
                    line=data.line_of("extra_gated_prompt" if prompt else "extra_gated_fields"),
                    rule="hf-gated-terms",
                    source="input",
                )
            )
            findings.append(
                Finding(
                    criterion="OSD10",
                    status="fail",
                    message=(
                        "acceptance of the gate's terms is by clicking the Hub's agree button, "
                        "as the condition of access: a provision tied to one interface"
                    ),
                    evidence=evidence,
                    file=source,
                    line=line,
                    rule="hf-click-through",
                    source="input",
                )
            )
        else:
            manual = mode == "manual"
            findings.append(
                Finding(
                    criterion="OSD7",
                    status="unknown",
                    message=(
                        "the model is gated on the Hub: recipients must register with the author"
                        + (" and wait for manual approval" if manual else "")
                        + " before downloading; whether the license lets copies pass on "
                        "without that needs review"
                    ),
                    evidence=f"gated: {str(mode).lower()}" if "gated" in data else anchor,
                    file=source,
                    line=line,
                    rule="hf-gated",
                    source="input",
                )
            )
    eu = data.get("extra_gated_eu_disallowed")
    if eu is not None and not isinstance(eu, bool):
        raise _wrong_type(data, "extra_gated_eu_disallowed", source, "true or false")
    if eu:
        findings.append(
            Finding(
                criterion="OSD5",
                status="fail",
                message=(
                    "the card refuses access to users in the European Union: a region of "
                    "persons is excluded from the model"
                ),
                evidence="extra_gated_eu_disallowed: true",
                file=source,
                line=data.line_of("extra_gated_eu_disallowed"),
                rule="hf-eu-disallowed",
                source="input",
            )
        )
    return tuple(findings)


def is_url(value: str) -> bool:
    """A license_link that names a remote file rather than one in the repository."""
    return "://" in value or value.lower().startswith(("http:", "https:", "www."))


def _read_linked(
    link: str, folder: Path, source: str, line: int, allow_outside: bool
) -> LicenseText | None:
    """The text a relative license_link names, or None when the file is simply not there.

    Anything that could leave the folder is handed to read_license_file whether or not it
    exists, so that `../../etc/passwd` is refused as outside, never reported as missing.
    """
    from licheck.inputs.layout import license_role, snapshot_blob

    if "\x00" in link:
        # No file name holds NUL; the OS calls would raise ValueError rather than say so.
        raise InputError("license_link holds a NUL character", file=source, line=line)
    candidate = Path(link.split("#", 1)[0])
    path = candidate if candidate.is_absolute() else folder / candidate
    escapes = candidate.is_absolute() or ".." in candidate.parts
    if not escapes and not os.path.lexists(path):
        return None
    # A Hugging Face cache keeps files as symlinks into the repository's blobs/ folder.
    outside_ok = allow_outside or (not escapes and snapshot_blob(folder, path))
    text = read_license_file(str(candidate), folder, source, line, outside_ok)
    role = license_role(candidate.name) or "license"
    return LicenseText(path=text.path, text=text.text, declared_line=line, role=role)


def _fetch_linked(url: str, source: str, line: int) -> LicenseText:
    from licheck.inputs.fetch import fetch_text
    from licheck.inputs.layout import license_role

    name = url.rstrip("/").rsplit("/", 1)[-1]
    text = fetch_text(url, source=source, line=line)
    return LicenseText(
        path=url, text=text, declared_line=line, role=license_role(name) or "license"
    )


def parse_card(
    text: str,
    *,
    source: str,
    folder: Path | None,
    allow_outside: bool = False,
    online: bool = False,
) -> ModelRecord:
    """Read a model card's front matter into a ModelRecord (format "hf-card").

    `folder` is the card's folder: a relative license_link is read from it and, when the card
    is a README (a repository's card), so are the license files beside it (LICENSE*,
    LICENSE-MODEL*, USE_POLICY*, ...; see inputs/folder.py). With None (a card given as text
    alone) no file is read. URLs are fetched only when `online`.
    """
    block = split_front_matter(text, source=source)
    warnings: list[str] = []
    data: Any = None
    if block is not None:
        yaml_text, first_line = block
        if len(yaml_text.encode("utf-8")) > MAX_YAML_BYTES:
            raise InputError(
                f"the card's metadata block is too large (the limit is {MAX_YAML_BYTES:,} bytes)",
                file=source,
                line=first_line - 1,
                hint="the front matter holds metadata; move long text below the closing `---`",
            )
        data = load_yaml(
            yaml_text,
            source=source,
            first_line=first_line,
            tolerated=lambda key: key not in STRICT_KEYS,
            bulk_keys=BULK_KEYS,
            warnings=warnings,
        )
    if data is None:
        data = LocatedDict(Position(1, 1))
    if not isinstance(data, LocatedDict):
        found = "a list" if isinstance(data, list) else "a single value"
        start = block[1] if block else None  # a plain value carries no position of its own
        raise InputError(
            f"the card's metadata must be a mapping of keys, found {found}",
            file=source,
            line=getattr(getattr(data, "position", None), "line", start),
            hint="write `key: value` lines between the `---` lines, e.g. `license: apache-2.0`",
        )
    expression = license_expression(_names(data, "license", source))
    license_name = _text(data, "license_name", source)
    license_link = _text(data, "license_link", source)
    declared_bases = _names(data, "base_model", source)
    relation = _text(data, "base_model_relation", source)
    tagged, tag_relations = _tag_bases(data, source, warnings)
    beside: tuple[str, ...] = ()
    if folder is not None and _is_readme(source):
        from licheck.inputs.base_signals import bases_beside

        beside = bases_beside(folder, warnings)
    base_models = tuple(dict.fromkeys((*declared_bases, *tagged, *beside)))
    if relation is None and len(set(tag_relations)) == 1:
        relation = tag_relations[0]
    datasets = _names(data, "datasets", source, warnings)
    access = gate_findings(data, source)
    texts: list[LicenseText] = []
    if license_link is not None:
        line = data.value_positions["license_link"].line
        if is_url(license_link):
            if online:
                texts.append(_fetch_linked(license_link, source, line))
        elif folder is not None:
            linked = _read_linked(license_link, folder, source, line, allow_outside)
            if linked is not None:
                texts.append(linked)
    if folder is not None and _is_readme(source):
        # Only a repository's card (README.md) owns the files beside it; a card saved as
        # `acme-7b.md` may share its folder with thousands of others (a scan of many cards).
        from licheck.inputs.layout import beside_license_texts

        texts = beside_license_texts(
            folder, source=source, known=texts, allow_outside=allow_outside
        )
    return ModelRecord(
        source=source,
        format=FORMAT,
        name=_model_name(data, source, folder),
        license=expression,
        license_line=data.line_of("license") if "license" in data else None,
        base_models=base_models,
        base_model_relation=relation,
        license_texts=tuple(texts),
        datasets=datasets,
        license_name=license_name,
        license_link=license_link,
        access=access,
        warnings=tuple(warnings),
    )


def load_card(
    path: Path,
    *,
    shown: str,
    allow_outside: bool = False,
    online: bool = False,
    content: bytes | None = None,
) -> ModelRecord:
    """Read and parse a README.md model card; files it links are read beside it. `content`:
    the whole card as a caller already read it (ReadContext)."""
    text = read_text_file(
        path, what="model card", max_bytes=MAX_CARD_BYTES, shown=shown, content=content
    )
    return parse_card(
        text, source=shown, folder=path.parent, allow_outside=allow_outside, online=online
    )


def read(path: Path, context: ReadContext) -> list[ModelRecord]:
    """The registry's entry point; a README with no front matter is skipped only when asked
    (the pre-commit hook), since nothing checked is not a pass."""
    from licheck.inputs.detect import has_front_matter, read_head

    refuse_folder(path, context)
    if context.options.skip_non_models:
        head = context.content
        if head is None:
            head = read_head(path, shown=context.shown)
        if not has_front_matter(head.decode("utf-8", errors="replace")):
            return []
    options = context.options
    return [
        load_card(
            path,
            shown=context.shown,
            allow_outside=options.allow_outside,
            online=options.online,
            content=context.content,
        )
    ]
