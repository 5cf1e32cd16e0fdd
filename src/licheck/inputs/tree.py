"""Walking a tree for models: what is a unit to judge, and what is left out, and why.

`licheck scan` is what CI runs, so a model it does not see is a model nobody judged. The walk
therefore leaves nothing out silently: it yields every unit to judge (a model folder, a file
that may be a model, a Hugging Face cache repo at its revision) and, for everything it does
not judge, either an `unreadable` unit (a folder it cannot list, a link out of the tree: a
violation, never a skip) or a `Skip` with its reason, which the summary counts.

Left out by default, and counted: version-control internals (.git, .hg, .svn), virtualenvs
(a folder holding pyvenv.cfg, or site-packages), node_modules, __pycache__ and tool caches
(.mypy_cache, .pytest_cache, .ruff_cache, .tox), symlinked folders (never followed: a loop or
an escape from the tree), and in a Hugging Face cache the dataset and space repos (not models).
`build/`, `dist/` and hidden folders are walked: a model there is a model. `--exclude GLOB`
leaves out more, matched against the path relative to the scanned root as .gitignore matches
(`_glob`): a folder matched is left out with all under it, and a model folder is left out when
the folder or every one of its files is matched (`dir/*`); one whose files are matched only in
part is judged whole, with a `Note` that says so (check.model_paths applies the same rule).

A Hugging Face cache (`models--ORG--NAME/{refs,snapshots,blobs}`) is read as a cache, not as
folders: one unit per repo, at the revision `refs/main` names (each snapshot when no ref says which
is current), named by its repo id. `CacheReading` widens that: `datasets` judges each dataset
repo's license as a subject of its own (named `datasets/ORG/NAME`, never a base model),
`all_revisions` each snapshot of a repo; under `all_revisions`, or whenever a repo gives more than
one unit, each is named `ID@REVISION` (the full revision: a short one may not tell two apart).
licheck reads this layout itself rather than with `huggingface_hub.scan_cache_dir`: that function
only accepts a cache root (not a tree holding a cache, nor one repo), raises on the first irregular
repo (one odd folder would hide every model), and stats every blob for sizes licheck does not need;
the layout it reads is three folder names and a one-line ref file.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal

import msgspec

from licheck.regex import on_first_use

UnitKind = Literal["model", "candidate", "cache-repo", "unreadable"]

MODEL_FILES = ("model.yaml", "model.yml")
CANDIDATE_SUFFIXES = (
    ".md",
    ".markdown",
    ".json",
    ".jsonld",
    ".spdx",
    ".yml",
    ".yaml",
    ".xml",
    ".rdf",
    ".gguf",  # each GGUF file is a model of its own (the first part stands for a split one)
)
# Default exclusions, by folder name, with the reason the summary shows.
DEFAULT_EXCLUDED = {
    ".git": "version control (.git)",
    ".hg": "version control (.hg)",
    ".svn": "version control (.svn)",
    "node_modules": "node_modules",
    "__pycache__": "__pycache__",
    "site-packages": "site-packages",
    ".mypy_cache": "tool cache",
    ".pytest_cache": "tool cache",
    ".ruff_cache": "tool cache",
    ".tox": "tool cache",
}
_CACHE_REPO = on_first_use(r"^(models|datasets|spaces)--(.+)$")
_REVISION = on_first_use(r"^[0-9a-f]{6,64}$")


class Unit(msgspec.Struct, frozen=True):
    """One thing to judge: its path, what it is, and for a cache repo its id and revision.

    `note` says why an `unreadable` unit could not be read.
    """

    path: Path
    kind: UnitKind
    repo_id: str | None = None
    revision: str | None = None
    note: str = ""
    # A cache repo's name in reports when it is not the bare repo id (see CacheReading).
    label: str | None = None
    dataset: bool = False

    @property
    def name(self) -> str | None:
        """The subject's name: a cache repo's id (with what tells its units apart), else None."""
        return self.label or self.repo_id


class CacheReading(msgspec.Struct, frozen=True):
    """What of a Hugging Face cache is judged beyond each model repo at `refs/main`."""

    datasets: bool = False
    all_revisions: bool = False


# The default: model repos only, each at the revision refs/main names.
MODELS_AT_MAIN = CacheReading()


class Skip(msgspec.Struct, frozen=True):
    """Something the walk left out, and why (counted in the summary)."""

    path: Path
    reason: str


class Note(msgspec.Struct, frozen=True):
    """Something the walk judged but must say (an --exclude that matched only some files of a
    model folder): a warning in the run's summary."""

    path: Path
    message: str


Found = Unit | Skip | Note


def _head_text(path: Path) -> str:
    from licheck.errors import LicheckError
    from licheck.inputs.guarded import read_regular

    try:
        return read_regular(path, limit=4096, shown=str(path), head=True).decode(
            "utf-8", errors="replace"
        )
    except LicheckError:
        return ""


def is_model_folder(folder: Path, files: dict[str, str]) -> bool:
    """Whether a folder describes one model (model.yaml, a card with front matter, a MOT
    file); `files` maps lower-case names to real names. Every entry point asks this."""
    from licheck.inputs.detect import has_front_matter, is_mot

    if any(name in files for name in MODEL_FILES):
        return True
    readme = files.get("readme.md")
    if readme is not None and has_front_matter(_head_text(folder / readme)):
        return True
    if any(lower.endswith(".safetensors") for lower in files):
        return True  # a folder of safetensors weights is one model (issue 20)
    return any(
        lower.endswith((".yml", ".yaml")) and is_mot(_head_text(folder / name))
        for lower, name in files.items()
    )


def model_folder_of(path: Path) -> Path | None:
    """The model folder a file belongs to, when it is one of the folder's own files.

    One model, one verdict: model.yaml, the card, a MOT file or any LICENSE*/USE_POLICY* file
    given alone is judged as its folder (with the folder's license files), so that
    `licheck dir/`, `licheck dir/model.yaml` and the pre-commit hook agree. None when the
    file's folder is no model folder (then the file is what it is: a card, a license text).
    """
    from licheck.inputs.layout import license_role

    if path.is_dir() or not path.exists():
        return None
    lower = path.name.lower()
    from licheck.inputs.detect import is_mot

    own = (
        lower in MODEL_FILES
        or lower == "readme.md"
        or license_role(path.name) is not None
        or (lower.endswith((".yml", ".yaml")) and is_mot(_head_text(path)))
    )
    if not own:
        return None
    folder = path.parent
    try:
        files = {entry.name.lower(): entry.name for entry in os.scandir(folder)}
    except OSError:
        return None
    return folder if is_model_folder(folder, files) else None


def _segment(text: str) -> str:
    """One path segment of a glob as a regex: `*` and `?` never cross a `/`, `[...]` is a class
    (`[!...]` negated), everything else is literal."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in text[index + 2 :]:
            end = text.index("]", index + 2)
            body = text[index + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> tuple[re.Pattern[str], bool]:
    """An --exclude glob as a regex over a relative POSIX path, and whether it matches folders
    only, read as .gitignore reads it (as REUSE.toml and Trivy's doublestar globs do too): a
    pattern with no `/` but a trailing one matches a name at any depth; one with a `/` is
    anchored at the root (a leading `/` or `./` says so too); `**` as a whole segment spans
    any number of folders; a trailing `/` matches folders only."""
    folders_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    anchored = "/" in body  # `./name` too: a path from the root
    while body.startswith("./"):
        body = body[2:]
    body = body.lstrip("/")
    parts = body.split("/")
    regex = "" if anchored else "(?:.*/)?"
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:[^/]+/)*"
        else:
            regex += _segment(part) + ("" if last else "/")
    return re.compile(regex + r"\Z"), folders_only


def matching_pattern(relative: str, patterns: tuple[str, ...], *, is_dir: bool) -> str | None:
    """The first --exclude pattern that leaves out a relative POSIX path: one that matches the
    path or one of the folders it lies in (leaving a folder out leaves out all under it)."""
    if not patterns or relative in ("", "."):
        return None
    parts = relative.split("/")
    for pattern in patterns:
        regex, folders_only = _glob(pattern)
        for depth in range(1, len(parts) + 1):
            folder = depth < len(parts) or is_dir
            if (folder or not folders_only) and regex.match("/".join(parts[:depth])):
                return pattern
    return None


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path != root else "."


def _excluded(path: Path, root: Path, patterns: tuple[str, ...], *, is_dir: bool) -> str | None:
    """The --exclude pattern that leaves `path` out (relative to the root, POSIX slashes)."""
    if not patterns:
        return None  # the common scan: no path of the tree made relative to test against none
    return matching_pattern(_relative(path, root), patterns, is_dir=is_dir)


class FolderExclusion(msgspec.Struct, frozen=True):
    """What --exclude makes of a model folder: left out whole (`pattern`: the folder is matched,
    or every file of it is, as `dir/*` matches them), or judged whole although `partly` matches
    some of its files (a model is one unit: its license terms bind it whatever is excluded)."""

    pattern: str | None = None
    partly: str | None = None


def model_folder_exclusion(
    folder: Path, root: Path, files: Iterable[str], patterns: tuple[str, ...]
) -> FolderExclusion:
    """Whether --exclude leaves a model folder out; `files` are the names of its files."""
    if not patterns:
        return FolderExclusion()
    whole = _excluded(folder, root, patterns, is_dir=True)
    if whole is not None:
        return FolderExclusion(whole)
    matched = [_excluded(folder / name, root, patterns, is_dir=False) for name in sorted(files)]
    if matched and all(matched):
        return FolderExclusion(matched[0])
    return FolderExclusion(partly=next((m for m in matched if m), None))


def partly_excluded_note(folder: str, pattern: str) -> str:
    """The warning for a model folder an --exclude pattern matches only some files of."""
    return (
        f"--exclude {pattern} matches some files of the model folder {folder}, not all: the "
        f"model is judged with all its files (its terms bind it whatever is left out); exclude "
        f"the folder ({folder}) to leave the model out"
    )


def folder_exclusion(folder: Path, patterns: tuple[str, ...]) -> FolderExclusion:
    """model_folder_exclusion for `check`: the folder relative to the current folder, with the
    files the walk would see in it (links to folders are no files)."""
    try:
        base = Path.cwd()
        relative = folder.absolute().relative_to(base)
    except ValueError:
        return FolderExclusion()
    if not patterns:
        return FolderExclusion()
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.is_file() or (e.is_symlink() and not e.is_dir())]
    except OSError:
        names = []
    return model_folder_exclusion(base / relative, base, names, patterns)


def excluded(path: Path, patterns: tuple[str, ...]) -> str | None:
    """The pattern that leaves `path` out (relative to the current folder), for `check`."""
    if not patterns:
        return None  # the common run: no working folder asked for, no path made absolute
    try:
        base = Path.cwd()
        relative = path.absolute().relative_to(base)
    except ValueError:
        return None
    return _excluded(base / relative, base, patterns, is_dir=path.is_dir())


def _inside(path: Path, root_real: str) -> bool:
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def cache_units(
    repo: Path, kind: str, name: str, reading: CacheReading = MODELS_AT_MAIN
) -> Iterator[Found]:
    """A Hugging Face cache repo: one unit at `refs/main`'s revision (each snapshot under
    `all_revisions`), or a skip (not a model, and datasets not asked for)."""
    repo_id = name.replace("--", "/", 1)
    dataset = kind == "datasets" and reading.datasets
    if kind != "models" and not dataset:
        yield Skip(repo, f"Hugging Face {kind} repos (not models)")
        return
    label = f"datasets/{repo_id}" if dataset else None
    snapshots = repo / "snapshots"
    try:
        revisions = sorted(p.name for p in snapshots.iterdir() if p.is_dir())
    except OSError as exc:
        yield Unit(
            repo,
            "unreadable",
            repo_id,
            note=f"cannot list snapshots/: {exc.strerror}",
            label=label,
            dataset=dataset,
        )
        return
    ref = repo / "refs" / "main"
    wanted: list[str] = []
    try:
        from licheck.inputs.guarded import read_regular

        head = read_regular(ref, limit=256, shown=str(ref), what="refs/main", head=True)
        wanted = [head.decode("ascii", errors="replace").strip()]
    except Exception:  # no ref (a cache filled by revision), or not a file: see below
        wanted = revisions
    if reading.all_revisions and revisions:
        wanted = revisions
    if not wanted:
        yield Unit(
            repo,
            "unreadable",
            repo_id,
            note="the cache repo holds no snapshot",
            label=label,
            dataset=dataset,
        )
        return
    for revision in wanted:
        # Two units of one repo must not read as two identical lines: each names its revision.
        shown = (label or repo_id) + (
            f"@{revision}" if len(wanted) > 1 or reading.all_revisions else ""
        )
        if not _REVISION.match(revision) or revision not in revisions:
            yield Unit(
                repo,
                "unreadable",
                repo_id,
                revision,
                note=f"refs/main names revision '{revision[:40]}', which has no snapshot",
                label=label,
                dataset=dataset,
            )
            continue
        yield Unit(
            snapshots / revision,
            "cache-repo",
            repo_id,
            revision,
            label=shown if shown != repo_id else None,
            dataset=dataset,
        )


def _ollama_store(folder: Path) -> bool:
    from licheck.inputs.layout import is_store

    return is_store(folder)


def walk(
    roots: Iterable[Path],
    *,
    exclude: tuple[str, ...] = (),
    is_model_folder: Callable[[Path, dict[str, str]], bool],
    cache: CacheReading = MODELS_AT_MAIN,
) -> Iterator[Found]:
    """Every unit under the roots in a stable order, and every skip with its reason.

    `is_model_folder(folder, files)` decides a folder (scan passes its own); `files` maps
    lower-case names to real names; `cache` says what of a Hugging Face cache is judged.
    """
    for root in roots:
        if not root.is_dir():
            if root.is_symlink() or root.exists():
                yield Unit(root, "model")
            continue
        root_real = os.path.realpath(root)
        match = _CACHE_REPO.match(root.name)
        if match and (root / "snapshots").is_dir():
            yield from cache_units(root, match.group(1), match.group(2), cache)
            continue
        stack = [root]
        while stack:
            folder = stack.pop()
            repo = _CACHE_REPO.match(folder.name) if folder != root else None
            if repo and (folder / "snapshots").is_dir():
                # A cache repo is one model at its revision, not a tree of folders.
                yield from cache_units(folder, repo.group(1), repo.group(2), cache)
                continue
            files: dict[str, str] = {}
            links: set[str] = set()  # the files that are symbolic links (lower-case names)
            subfolders: list[str] = []
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                subfolders.append(entry.name)
                            elif entry.is_symlink() and entry.is_dir():
                                yield Skip(Path(entry.path), "symlinked folders (not followed)")
                            elif entry.is_symlink():
                                files[entry.name.lower()] = entry.name
                                links.add(entry.name.lower())
                            elif entry.is_file():
                                files[entry.name.lower()] = entry.name
                        except OSError as exc:
                            yield Unit(
                                Path(entry.path), "unreadable", note=f"cannot stat: {exc.strerror}"
                            )
            except OSError as exc:
                yield Unit(folder, "unreadable", note=f"cannot list the folder: {exc.strerror}")
                continue
            if "pyvenv.cfg" in files and folder != root:
                yield Skip(folder, "virtualenvs")
                continue
            if "manifests" in subfolders and _ollama_store(folder):
                # An Ollama store: each manifest is a model; blobs/ is read through them.
                from licheck.inputs.ollama import manifest_paths

                yield from (Unit(manifest, "model") for manifest in manifest_paths(folder))
                subfolders = [name for name in subfolders if name not in ("manifests", "blobs")]
            if is_model_folder(folder, files):
                exclusion = model_folder_exclusion(folder, root, files.values(), exclude)
                if exclusion.pattern is not None:
                    yield Skip(folder, f"--exclude {exclusion.pattern}")
                else:
                    if exclusion.partly is not None:
                        yield Note(folder, partly_excluded_note(str(folder), exclusion.partly))
                    yield Unit(folder, "model")
            else:
                for lower in sorted(files):
                    if not lower.endswith(CANDIDATE_SUFFIXES):
                        continue
                    path = folder / files[lower]
                    pattern = _excluded(path, root, exclude, is_dir=False)
                    if pattern is not None:
                        yield Skip(path, f"--exclude {pattern}")
                    elif lower in links and not _inside(path, root_real):
                        # Only a link can lead out: the walk reached this folder through no
                        # link (linked folders are not followed), so a file in it is inside.
                        yield Unit(
                            path,
                            "unreadable",
                            note="a link that points outside the scanned tree (not read)",
                        )
                    else:
                        yield Unit(path, "candidate")
            later: list[Path] = []
            for name in sorted(subfolders):
                path = folder / name
                pattern = _excluded(path, root, exclude, is_dir=True)
                if pattern is not None:
                    yield Skip(path, f"--exclude {pattern}")
                elif name in DEFAULT_EXCLUDED:
                    yield Skip(path, DEFAULT_EXCLUDED[name] + " (default exclusion)")
                else:
                    later.append(path)
            stack.extend(reversed(later))
