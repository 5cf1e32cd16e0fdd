"""How a model folder is laid out: which files are licenses (and of what), what a cache links.

Shared by the folder reader and the card reader (a card beside a LICENSE reads it too), so that
both name the same files the same way and neither imports the other.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from licheck.errors import InputError
from licheck.inputs.paths import read_license_file
from licheck.records import LicenseText
from licheck.regex import on_first_use

# File names (case-insensitive) that hold a license or a use policy, and the role of each.
_POLICY = on_first_use(r"(use[-_ ]?policy|acceptable[-_ ]?use|aup(?![a-z]))", re.IGNORECASE)


_LICENSE = on_first_use(r"(licen[cs]e|copying)", re.IGNORECASE)


_MODEL_LICENSE = on_first_use(r"^(model|weights?)[-_ ]?licen[cs]e", re.IGNORECASE)


_CODE_LICENSE = on_first_use(r"^(code|software)[-_ ]?licen[cs]e", re.IGNORECASE)


# Suffix words after LICENSE that say the text governs something other than this model:
# third-party notices and data licenses are not the model's license.
_NOT_THE_MODEL = on_first_use(r"third|3rd|data|notice|header", re.IGNORECASE)


# Files that cannot be license texts licheck reads (a LICENSE.pdf is judged by a human).
_BINARY_SUFFIXES = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".doc", ".docx", ".odt", ".rtf"}
    | {".zip", ".gz", ".tar", ".7z"}
)


def license_role(name: str) -> str | None:
    """What a file governs, from its name: "model", "code", "use-policy", "license" or None.

    LICENSE-MODEL / MODEL_LICENSE -> "model" (the weights); LICENSE-CODE / CODE_LICENSE ->
    "code"; USE_POLICY / ACCEPTABLE_USE -> "use-policy"; LICENSE*, LICENCE*, COPYING* ->
    "license". None for anything else, and for third-party notices or data licenses.
    """
    lowered = name.lower()
    if Path(lowered).suffix in _BINARY_SUFFIXES:
        return None
    if _POLICY.match(lowered):
        return "use-policy"
    if _MODEL_LICENSE.match(lowered):
        return "model"
    if _CODE_LICENSE.match(lowered):
        return "code"
    if not _LICENSE.match(lowered):
        return None
    rest = _LICENSE.sub("", lowered, count=1)
    if _NOT_THE_MODEL.search(rest):
        return None
    if re.search(r"model|weight", rest):
        return "model"
    if re.search(r"code|software|source", rest):
        return "code"
    return "license"


def snapshot_blob(folder: Path, path: Path) -> bool:
    """Whether `path` is a Hugging Face cache snapshot file whose symlink leads into `blobs/`.

    The cache keeps `models--ORG--NAME/snapshots/REV/FILE -> ../../blobs/HASH`; the blob store
    belongs to the same repository, so reading through that link stays within the model.
    """
    try:
        real_folder = folder.resolve()
        if real_folder.parent.name != "snapshots":
            return False
        blobs = real_folder.parent.parent / "blobs"
        return path.resolve().is_relative_to(blobs)
    except (OSError, RuntimeError):
        return False


def folder_model_name(folder: Path) -> str:
    """The model a folder holds, by its name; `ORG/NAME` for a Hugging Face cache snapshot.

    A cache snapshot folder is named after a commit hash; its repository folder,
    `models--ORG--NAME`, says which model it is.
    """
    real = folder.resolve()
    repo = real.parent.parent.name
    if real.parent.name == "snapshots" and repo.startswith("models--"):
        return repo.removeprefix("models--").replace("--", "/")
    return real.name or str(folder)


def guard_inside(folder: Path, path: Path, shown: str, allow_outside: bool) -> None:
    """Refuse a file that leaves the folder through a symlink, or that is not a regular file."""
    if not allow_outside and not snapshot_blob(folder, path):
        try:
            inside = path.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            raise InputError(
                f"'{path.name}' is a link that points outside the model's folder",
                file=shown,
                hint="licheck reads only files inside the folder; pass --allow-outside to "
                "follow it",
            )
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read '{path.name}': {exc.strerror or exc}", file=shown) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"'{path.name}' is not a regular file", file=shown)


def folder_entries(folder: Path, shown: str) -> list[Path]:
    try:
        return sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", file=shown) from exc


def real_path(path: str) -> str:
    return os.path.realpath(path) if "://" not in path else path


def beside_license_texts(
    folder: Path,
    *,
    source: str,
    known: Iterable[LicenseText] = (),
    allow_outside: bool = False,
) -> list[LicenseText]:
    """`known` texts plus every license-like file in `folder` not already among them.

    Each file gets its role from its name (license_role). Files are read through
    inputs/paths.read_license_file, so the folder boundary and size limits hold.
    """
    texts = list(known)
    seen = {real_path(text.path) for text in texts}
    for path in folder_entries(folder, source):
        role = license_role(path.name)
        if role is None or path.is_dir():
            continue
        if os.path.realpath(path) in seen:
            continue
        outside_ok = allow_outside or snapshot_blob(folder, path)
        try:
            text = read_license_file(path.name, folder, source, None, outside_ok)
        except InputError as exc:
            # Nothing declared this file: the error belongs to the file, not to the card.
            raise InputError(
                exc.message.removeprefix("license_file "),
                file=os.path.relpath(path) if not path.is_absolute() else str(path),
                hint=exc.hint,
            ) from exc
        seen.add(os.path.realpath(path))
        texts.append(LicenseText(path=text.path, text=text.text, role=role))
    return texts


def is_store(folder: Path) -> bool:
    """An Ollama store: a `manifests/` folder beside a `blobs/` folder (inputs/ollama.py reads
    it; the test lives here so that telling a folder's kind imports no reader)."""
    return (folder / "manifests").is_dir() and (folder / "blobs").is_dir()
