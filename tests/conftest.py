from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chaintool.build import BuildReport, build_all, run_runner, wasm_command
from chaintool.cli import app
from chaintool.node import NodeArtifacts, node_build
from chaintool.scaffold import Scaffolded, scaffold
from chaintool.toolchain import cache_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEST_OPS = Path(__file__).resolve().parent / "data" / "ops"

CID_MANIFEST: dict[str, Any] = json.loads((EXAMPLES / "cidv1_from_bytes.json").read_text())


def cid_manifest(**changes: Any) -> dict[str, Any]:
    """A copy of the seed's CID workflow manifest with top-level fields replaced."""
    data = copy.deepcopy(CID_MANIFEST)
    data.update(changes)
    return data


def write_json(folder: Path, data: Any, name: str = "manifest.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


Built = tuple[Scaffolded, BuildReport]


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Built]:
    """Scaffolds and builds a manifest once per session."""
    cache: dict[str, Built] = {}

    def make(manifest: dict[str, Any], ops_dirs: list[Path] | None = None) -> Built:
        key = json.dumps(manifest, sort_keys=True)
        if key not in cache:
            folder = tmp_path_factory.mktemp("wf")
            project = scaffold(write_json(folder, manifest), folder / "out", ops_dirs or [])
            cache[key] = (project, build_all(project, pallet=False))
        return cache[key]

    return make


def run_both(built: Built, inputs: list[bytes]) -> Any:
    """Runs natively and through WASM; both must give the same output, which is returned."""
    _, report = built
    assert report.package is not None
    native = run_runner([str(report.runner)], inputs)
    wasm = run_runner(wasm_command(report.package), inputs)
    assert native == wasm
    return native


# The workflows of the dev node the chain tier runs: the CID workflow with each hasher, the
# three-segment collection, and one whose input is a Multihash (for undecodable inputs).
CHAIN_MANIFESTS = [
    EXAMPLES / f"{name}.json"
    for name in (
        "cidv1_from_bytes",
        "cidv1_sha2_256",
        "cidv1_blake2b_256",
        "cid_and_multihash",
        "cid_of_multihash",
    )
]


@pytest.fixture(scope="session")
def chaintool_node_dir() -> Path:
    """Overrides the plugin's fixture: the chain tier's node, built once (incrementally) in the
    cache so that later runs reuse it."""
    folder = cache_dir() / "test-node"
    node_build(CHAIN_MANIFESTS, folder)
    return folder


@pytest.fixture(scope="session")
def node_artifacts(chaintool_node_dir: Path) -> NodeArtifacts:
    return NodeArtifacts(chaintool_node_dir)
