"""Which reader a file needs, told from its content (and its name only where content cannot).

Users point licheck at what they have: a README.md, an SBOM called `bom.json`, a MOT file named
after the model, a LICENSE. Extensions lie or are missing (`.spdx`, `.yml` for anything), so
the first bytes decide: an SPDX document says `spdxVersion`, a CycloneDX one `bomFormat`, a MOT
file `framework: Model Openness Framework`. What nothing identifies is an error that suggests
`--input-format`, never a guess that would judge a file with the wrong reader.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

from licheck.errors import InputError
from licheck.regex import on_first_use

# Enough to see the top-level keys of any of these formats; the whole file is read later by
# the chosen reader, with that reader's own size limit.
HEAD_BYTES = 64 * 1024

# A table of Hub cards is told by its name, as the dumps are named (card_dump.py reads it).
DUMP_SUFFIXES = (".parquet", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_MARKDOWN = (".md", ".markdown", ".mdx")
_JSON = (".json", ".jsonld")
_XML = (".xml", ".rdf", ".owl")
_JSON_OPENING = on_first_use(r'\{\s*("|\})|\[\s*(\{|\]|")')
_YAML = (".yaml", ".yml")
_MOT_FRAMEWORK = on_first_use(r"(?m)^framework:")
_MOT_RELEASE = on_first_use(r"(?m)^release:")
_MOT_NAME = on_first_use(r"Model\s+Openness\s+Framework", re.IGNORECASE)
_SPDX_TAG_VALUE = on_first_use(r"(?m)^SPDXVersion:\s*SPDX-")
_SPDX_YAML = on_first_use(r"(?m)^spdxVersion:\s*['\"]?SPDX-")
_TOP_LICENSE = on_first_use(r"(?m)^license:")
_TOP_NAME = on_first_use(r"(?m)^name:")
_FENCE = on_first_use(r"---[ \t]*")
_FROM = on_first_use(r"(?im)^\s*FROM\s+\S")


def _decode_head(head: bytes) -> str:
    """The head as text for sniffing: a cut multibyte character or a stray byte is harmless."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").removeprefix("\ufeff")


def is_mot(text: str) -> bool:
    """A Model Openness Tool file: a top-level `framework:` naming the Model Openness Framework."""
    return bool(_has_line(text, "framework:", _MOT_FRAMEWORK) and _MOT_NAME.search(text))


def _has_line(text: str, opening: str, pattern: re.Pattern[str]) -> bool:
    """Whether a line of `text` opens as `pattern` says, `opening` being the text every such
    line starts with: the substring test rules most texts out at C speed, where a multi-line
    pattern tries each position of the 64 KiB head in turn (sniffing a license text ran three
    of them over its whole head)."""
    return opening in text and pattern.search(text) is not None


def has_front_matter(text: str) -> bool:
    """Whether the first non-blank line opens a YAML front matter block (`---`)."""
    for line in text.splitlines():
        if line.strip():
            return bool(_FENCE.fullmatch(line))
    return False


def _json_format(text: str, shown: str, certain: bool) -> str | None:
    """The JSON format its keys name; an error if `certain` it is JSON, else None (not JSON)."""
    if '"spdxVersion"' in text:
        return "spdx-json"
    if '"@context"' in text and "spdx.org/rdf/3" in text:
        return "spdx3-jsonld"
    if '"bomFormat"' in text and "CycloneDX" in text:
        return "cyclonedx-json"
    if "application/vnd.ollama.image." in text and '"layers"' in text:
        return "ollama"
    if not certain:
        return None
    raise InputError(
        "a JSON file that is neither an SPDX nor a CycloneDX document",
        file=shown,
        hint="licheck reads SPDX 2.3 JSON (spdxVersion), SPDX 3 JSON-LD (@context) and "
        "CycloneDX JSON (bomFormat); use --input-format to force a reader",
    )


def _xml_format(text: str, shown: str, certain: bool) -> str | None:
    """The XML format its elements name; an error if `certain` it is XML, else None."""
    if "rdf:RDF" in text or "spdx.org/rdf/terms" in text:
        return "spdx-rdf"
    if re.search(r"<(spdx:)?(SpdxDocument|Document|spdxVersion)\b", text) and "SPDX" in text:
        return "spdx-xml"
    if not certain:
        return None
    if "cyclonedx" in text.lower():
        raise InputError(
            "CycloneDX XML is not supported",
            file=shown,
            hint="export the BOM as CycloneDX JSON (licheck reads its ML-BOM fields)",
        )
    raise InputError(
        "an XML file that is not an SPDX document",
        file=shown,
        hint="licheck reads SPDX RDF/XML and SPDX XML; use --input-format to force a reader",
    )


def detect_format(path: Path, head: bytes) -> str:
    """The reader for `path`, one of FORMATS, from its first bytes `head` (and its name).

    Content decides first: SBOM and MOT markers are unambiguous. The name is used only where
    content cannot tell: a Markdown file is a model card when it is a README or opens a front
    matter (a LICENSE.md is a license text), and a YAML file that is nothing else is read as
    model.yaml, whose reader then says precisely what is missing.

    `path` is a file whose head was read (a folder has none: `sniff` tells folders apart), so
    nothing here asks the filesystem: scan calls this once per loose file.
    """
    file_name = path.name
    name = file_name.lower()
    suffix = path.suffix.lower()
    # Weights are binary: their magic bytes decide before any text sniffing.
    # A weights extension also decides, so that a damaged file gets the weights reader's error.
    if head[:4] == b"GGUF" or suffix == ".gguf":
        return "gguf"
    from licheck.inputs.safetensors import looks_like_safetensors

    if looks_like_safetensors(head) or suffix == ".safetensors":
        return "safetensors"
    if name.endswith(DUMP_SUFFIXES):
        return "card-dump"  # named as the Hub dumps are (.parquet, .jsonl, .jsonl.gz)
    shown = str(path)
    text = _decode_head(head)
    from licheck.inputs.modelfile import is_modelfile

    if is_modelfile(file_name) and _FROM.search(text):
        return "modelfile"  # the name and a FROM instruction: a YAML file may be so named
    stripped = text.lstrip()
    # License texts may open with "[SOFTWARE NAME]" or "<copyright notice>": only markers, a
    # JSON/XML extension, or an unmistakable opening make a file JSON or XML.
    found: str | None = None
    if stripped.startswith(("{", "[")):
        certain = suffix in _JSON or bool(_JSON_OPENING.match(stripped))
        found = _json_format(text, shown, certain)
    elif stripped.startswith("<"):
        certain = suffix in _XML or stripped.startswith("<?xml")
        found = _xml_format(text, shown, certain)
    if found:
        return found
    if _has_line(text, "SPDXVersion:", _SPDX_TAG_VALUE):
        return "spdx-tag-value"
    if _has_line(text, "spdxVersion:", _SPDX_YAML):
        return "spdx-yaml"
    if is_mot(text) or (
        _has_line(text, "framework:", _MOT_FRAMEWORK) and _has_line(text, "release:", _MOT_RELEASE)
    ):
        # A file shaped like MOT (framework + release) that names another framework goes to
        # the MOT reader too, which says what is wrong better than the model.yaml reader.
        return "mot"
    if suffix in _MARKDOWN:
        if name.startswith("readme") or has_front_matter(text):
            return "hf-card"
        return "license-text"
    if suffix in _YAML:
        return "model-yaml"
    if (
        not suffix
        and _has_line(text, "license:", _TOP_LICENSE)
        and _has_line(text, "name:", _TOP_NAME)
    ):
        # A model.yaml saved without its extension: top-level `name:` and `license:` keys are
        # not how license texts begin their lines.
        return "model-yaml"
    return "license-text"


def _folder_format(path: Path) -> str:
    """ "ollama" for an Ollama model store (`manifests/` beside `blobs/`), else "folder"."""
    from licheck.inputs.layout import is_store

    return "ollama" if is_store(path) else "folder"


def read_head(path: Path, *, limit: int = HEAD_BYTES, shown: str | None = None) -> bytes:
    """The first `limit` bytes of a regular file; FIFOs and devices are refused, never opened.

    Opening a FIFO blocks until a writer comes, and a device may never end: a path from a
    stranger's repository must not be able to stall a CI run.
    """
    shown = shown or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("file not found", file=shown, hint="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=shown) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file", file=shown, hint="give a file or a folder path")
    from licheck.inputs.guarded import read_regular

    # The stat above gives the early, clear answer; the guarded open decides (a FIFO swapped in
    # since is refused, never waited on).
    return read_regular(path, limit=limit, shown=shown, head=True)


def sniff(path: Path, *, shown: str | None = None) -> str:
    """detect_format on a path: "folder" for a directory, else judged from the file's head."""
    if path.is_dir():
        return _folder_format(path)
    return detect_format(path, read_head(path, shown=shown))
