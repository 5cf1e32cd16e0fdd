"""An Ollama store: manifests, layers by media type, blobs; and `licheck scan` over weights.

The store is fake: manifests and blobs we write, the model layer a tiny GGUF file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from licheck.cli import main
from licheck.errors import InputError
from licheck.inputs import load_path
from licheck.inputs.ollama import subject_name
from licheck.knowledge.catalog import Catalog
from licheck.scan import discover
from test_weights import run, subject, write_gguf, write_safetensors

MEDIA = "application/vnd.ollama.image."
# A made-up restrictive text, so the license layer is judged from its words.
TERMS = "ACME MODEL TERMS\n\nYou may use this model for non-commercial research purposes only.\n"


def _blob(store: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (store / "blobs" / f"sha256-{digest}").write_bytes(data)
    return f"sha256:{digest}"


def make_store(
    root: Path,
    *,
    license_text: str | None = TERMS,
    gguf_license: str = "apache-2.0",
    extra_layers: list[dict[str, object]] | None = None,
    host: str = "registry.ollama.ai",
) -> Path:
    """`root/models` laid out as Ollama keeps it, with one model `library/tiny:latest`."""
    store = root / "models"
    (store / "blobs").mkdir(parents=True)
    tmp = root / "tiny.gguf"
    write_gguf(tmp, {"general.name": "Tiny", "general.license": gguf_license})
    layers: list[dict[str, object]] = [
        {"mediaType": MEDIA + "model", "digest": _blob(store, tmp.read_bytes()), "size": 1},
        {"mediaType": MEDIA + "template", "digest": _blob(store, b"{{ .Prompt }}"), "size": 1},
        {"mediaType": MEDIA + "params", "digest": _blob(store, b'{"stop": []}'), "size": 1},
    ]
    if license_text is not None:
        digest = _blob(store, license_text.encode())
        layers.append({"mediaType": MEDIA + "license", "digest": digest, "size": 1})
    tmp.unlink()
    layers.extend(extra_layers or [])
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json"},
        "layers": layers,
    }
    folder = store / "manifests" / host / "library" / "tiny"
    folder.mkdir(parents=True)
    (folder / "latest").write_text(json.dumps(manifest))
    return store


def test_a_store_gives_one_model_per_manifest_named_like_ollama(tmp_path: Path) -> None:
    (record,) = load_path(make_store(tmp_path), catalog=Catalog())
    assert (record.name, record.format, record.license) == (
        "library/tiny:latest",
        "ollama",
        "apache-2.0",
    )
    (text,) = record.license_texts  # the template and params layers are not license terms
    assert text.text == TERMS and "blobs/sha256-" in text.path


def test_the_license_layer_binds_beside_the_gguf_license(tmp_path: Path) -> None:
    result = run("--format", "json", str(make_store(tmp_path)))
    assert result.exit_code == 1
    found = subject(result)
    assert found["name"] == "library/tiny:latest"
    # The text shipped as the GGUF's license is not Apache-2.0: the terms cannot be verified.
    assert [v["rule"] for v in found["violations"]] == ["cannot-verify"]


def test_an_open_model_in_the_store_passes(tmp_path: Path) -> None:
    assert run(str(make_store(tmp_path, license_text=None))).exit_code == 0


def test_another_registry_is_named_with_its_host(tmp_path: Path) -> None:
    store = make_store(tmp_path, host="hf.co")
    (manifest,) = (store / "manifests").rglob("latest")
    assert subject_name(manifest) == "hf.co/library/tiny:latest"


def test_a_layer_of_unknown_type_is_reported_not_skipped(tmp_path: Path) -> None:
    layer = {"mediaType": MEDIA + "hologram", "digest": "sha256:" + "0" * 64, "size": 1}
    (record,) = load_path(make_store(tmp_path, extra_layers=[layer]), catalog=Catalog())
    assert any("hologram" in w and "was not read" in w for w in record.warnings)


@pytest.mark.parametrize(
    ("digest", "message"),
    [
        ("sha256:../../../../etc/passwd", "not sha256:<64 hex digits>"),
        ("sha256:" + "a" * 64, "is missing"),
    ],
)
def test_a_bad_or_missing_blob_is_an_error(tmp_path: Path, digest: str, message: str) -> None:
    layer = {"mediaType": MEDIA + "license", "digest": digest, "size": 1}
    store = make_store(tmp_path, extra_layers=[layer])
    with pytest.raises(InputError) as caught:
        load_path(store)
    assert message in caught.value.message
    assert caught.value.file is not None and caught.value.file.endswith("latest")


def test_a_manifest_outside_a_store_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latest"
    path.write_text(json.dumps({"layers": [{"mediaType": MEDIA + "model"}]}))
    with pytest.raises(InputError, match="outside its store"):
        load_path(path)


# --- scan finds weights ---------------------------------------------------------------------


def test_scan_finds_ggufs_split_models_weights_folders_and_ollama_stores(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    lmstudio = tree / "lmstudio" / "acme" / "tiny-GGUF"
    lmstudio.mkdir(parents=True)
    write_gguf(lmstudio / "tiny.Q4_K_M.gguf", {"general.license": "mit"})
    write_gguf(lmstudio / "tiny.Q8_0.gguf", {"general.license": "mit"})
    write_gguf(lmstudio / "big-00001-of-00002.gguf", {"general.license": "mit"})
    (lmstudio / "big-00002-of-00002.gguf").write_bytes(b"GGUF")
    hf = tree / "hf" / "model"
    hf.mkdir(parents=True)
    write_safetensors(hf / "model.safetensors", {"license": "mit"})
    make_store(tree / "ollama")
    found = sorted(str(p.relative_to(tree)) for p in discover([tree]))
    assert found == [
        "hf/model",
        "lmstudio/acme/tiny-GGUF/big-00001-of-00002.gguf",
        "lmstudio/acme/tiny-GGUF/tiny.Q4_K_M.gguf",
        "lmstudio/acme/tiny-GGUF/tiny.Q8_0.gguf",
        "ollama/models/manifests/registry.ollama.ai/library/tiny/latest",
    ]


def test_scan_of_an_ollama_store_names_its_models(tmp_path: Path) -> None:
    store = make_store(tmp_path, license_text=None)
    with CliRunner().isolation() as (out, _, _):
        code = main(["scan", "--jobs", "1", "--format", "jsonl", str(store)])
        lines = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert code == 0
    assert [line["name"] for line in lines if line.get("type") != "summary"] == [
        "library/tiny:latest"
    ]


# --- Modelfile ------------------------------------------------------------------------------


def test_a_modelfile_reads_its_license_block_and_its_gguf(tmp_path: Path) -> None:
    write_gguf(tmp_path / "tiny.gguf", {"general.license": "apache-2.0"})
    (tmp_path / "Modelfile").write_text(
        'FROM ./tiny.gguf\nPARAMETER stop x\nLICENSE """\n' + TERMS + '"""\n'
    )
    (record,) = load_path(tmp_path / "Modelfile", catalog=Catalog())
    assert (record.format, record.license) == ("modelfile", "apache-2.0")
    (text,) = record.license_texts
    assert (text.declared_line, text.text) == (3, TERMS.strip())
    assert run(str(tmp_path / "Modelfile")).exit_code == 1


def test_a_modelfile_from_a_model_names_its_base(tmp_path: Path) -> None:
    (tmp_path / "Modelfile").write_text("FROM llama2\nLICENSE MIT License\n")
    (record,) = load_path(tmp_path / "Modelfile", catalog=Catalog())
    assert record.base_models == ("llama2",)
    result = run("--format", "json", str(tmp_path / "Modelfile"))
    assert result.exit_code == 1


def test_an_unclosed_license_block_is_an_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "Modelfile").write_text('FROM llama2\nLICENSE """\nno end\n')
    with pytest.raises(InputError, match="never closed") as caught:
        load_path(tmp_path / "Modelfile")
    assert caught.value.line == 2
