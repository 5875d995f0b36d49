"""What the dev node image is built from, checked without a daemon: the Python requirements of
the in-Docker builder stay those of uv.lock, and the build context holds what node/Dockerfile
copies, with a content hash that follows every byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chaintool.container import EXTRA_CA_ENV, DockerError, _context_tar, build_context
from chaintool.node import NodeArtifacts
from tests.conftest import EXAMPLES, ROOT, TEST_OPS


@pytest.fixture(autouse=True)
def _no_extra_ca_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EXTRA_CA_ENV, raising=False)


def _requirements(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_builder_requirements_match_the_lockfile() -> None:
    uv = shutil.which("uv") or pytest.fail("uv is not installed: run scripts/setup.sh")
    exported = subprocess.run(
        [uv, "export", "--frozen", "--no-emit-project", "--no-dev", "--format", "requirements-txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (ROOT / "node" / "requirements.txt").read_text()
    assert _requirements(committed) == _requirements(exported), (
        "node/requirements.txt is stale: uv export --frozen --no-emit-project --no-dev "
        "--format requirements-txt -o node/requirements.txt"
    )


def _artifacts(folder: Path) -> NodeArtifacts:
    folder.mkdir()
    for name, data in (
        ("runtime.wasm", b"\0asm"),
        ("chain-spec.raw.json", b"{}"),
        ("workflows.json", b"[]"),
    ):
        (folder / name).write_bytes(data)
    return NodeArtifacts(folder)


def _files(context: Path) -> set[str]:
    return {p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file()}


def test_host_context_has_the_artifacts_and_no_sources(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    build_context(context, _artifacts(tmp_path / "node"))
    files = _files(context)
    assert {
        "Dockerfile",
        "node/package.json",
        "node/package-lock.json",
        "artifacts/runtime.wasm",
        "artifacts/chain-spec.raw.json",
        "artifacts/workflows.json",
    } <= files
    assert not any(name.startswith(("src/", "project/", "extra-ca/")) for name in files)


def test_source_context_has_chaintool_and_the_project(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    ca = tmp_path / "proxy.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    build_context(context, None, [EXAMPLES / "cidv1_from_bytes.json"], [TEST_OPS], extra_ca=ca)
    files = _files(context)
    assert {"src/chaintool/cli.py", "src/node/Dockerfile", "extra-ca/proxy.crt"} <= files
    assert "project/manifests/00-cidv1_from_bytes.json" in files
    assert any(name.startswith("src/templates/") for name in files)
    assert any(name.startswith("src/ops/op_cid/") for name in files)
    assert not any("__pycache__" in name or "/target/" in name for name in files)
    args = (context / "project" / "node-build.args").read_text().split()
    assert args == ["manifests/00-cidv1_from_bytes.json", "--ops-dir", "ops/00-ops"]
    assert (context / "project" / "ops" / "00-ops").is_dir()


def test_extra_ca_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ca"
    folder.mkdir()
    (folder / "proxy.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (folder / "notes.txt").write_text("not a certificate")
    monkeypatch.setenv(EXTRA_CA_ENV, str(folder))
    context = tmp_path / "context"
    context.mkdir()
    build_context(context, _artifacts(tmp_path / "node"))
    assert {n for n in _files(context) if n.startswith("extra-ca/")} == {"extra-ca/proxy.crt"}


def test_extra_ca_folder_without_certificates_is_refused(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    (tmp_path / "empty").mkdir()
    with pytest.raises(DockerError, match=r"no \*\.crt certificate"):
        build_context(context, _artifacts(tmp_path / "node"), extra_ca=tmp_path / "empty")


def test_content_hash_follows_every_byte(tmp_path: Path) -> None:
    contexts = []
    for name in ("a", "b"):
        context = tmp_path / name
        context.mkdir()
        build_context(context, _artifacts(tmp_path / f"node-{name}"))
        contexts.append(context)
    first, second = (_context_tar(c) for c in contexts)
    assert first == second  # same files: same tar, same hash, whatever the mtimes or paths
    (contexts[1] / "artifacts" / "workflows.json").write_bytes(b"[ ]")
    assert _context_tar(contexts[1])[1] != first[1]
