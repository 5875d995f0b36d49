"""chaintool's pytest plugin (registered through the `pytest11` entry point).

Fixtures, each small and overridable:
- `chaintool_devnet`: the URL of a devnet for the session. It reuses the node at
  `CHAINTOOL_NODE_URL` when set; otherwise it starts one on a free port from the node built in
  `--chaintool-node-dir` (default `./.chaintool/node`) and stops it at the end of the session.
  `--chaintool-engine docker` (or `CHAINTOOL_DEVNET_ENGINE=docker`) runs it in Docker: the dev
  node image of that folder is built first (reused when nothing changed), then run.
- `substrate`: a substrate-interface client connected to it.
- `dev_accounts`: the dev keypairs by name (alice, bob, ...).
- `execute_workflow`: `execute_workflow(manifest_path, inputs, signer=None)` runs a workflow
  on-chain and returns a `ChainResult` (output, events).
- Per-test isolation: after each test that uses the devnet, the chain goes back to the block it
  was at before (Chopsticks' `dev_setHead`). A module turns this off with
  `pytestmark = pytest.mark.chaintool_shared_state`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from substrateinterface import Keypair, SubstrateInterface

from .chain import ChainResult, connect, execute_on_chain
from .container import build_node_image
from .devnet import ENGINES, DevnetError, free_port, rpc, running
from .node import default_node_dir
from .scaffold import load_plan

NODE_URL_ENV = "CHAINTOOL_NODE_URL"
ENGINE_ENV = "CHAINTOOL_DEVNET_ENGINE"
SHARED_STATE_MARKER = "chaintool_shared_state"
DEV_NAMES = ("alice", "bob", "charlie", "dave", "eve", "ferdie")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("chaintool")
    group.addoption(
        "--chaintool-node-dir",
        default=None,
        help="Folder of `chaintool node build` (default ./.chaintool/node).",
    )
    group.addoption(
        "--chaintool-engine",
        default=None,
        choices=ENGINES,
        help=f"Devnet engine (default ${ENGINE_ENV} or chopsticks).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SHARED_STATE_MARKER}: tests of this module share chain state (no per-test rollback)",
    )
    config.addinivalue_line(
        "markers", "chain: needs a running devnet (the chaintool_devnet fixture)"
    )


@pytest.fixture(scope="session")
def chaintool_node_dir(pytestconfig: pytest.Config) -> Path | None:
    value = pytestconfig.getoption("--chaintool-node-dir")
    return Path(value) if value else None


@pytest.fixture(scope="session")
def chaintool_engine(pytestconfig: pytest.Config) -> str:
    engine = pytestconfig.getoption("--chaintool-engine") or os.environ.get(ENGINE_ENV)
    engine = engine or "chopsticks"
    if engine not in ENGINES:
        raise pytest.UsageError(f"{ENGINE_ENV}={engine}: not one of {', '.join(ENGINES)}")
    return str(engine)


@pytest.fixture(scope="session")
def chaintool_devnet(chaintool_node_dir: Path | None, chaintool_engine: str) -> Iterator[str]:
    """The devnet's URL, for the whole session."""
    existing = os.environ.get(NODE_URL_ENV)
    if existing:
        yield existing
        return
    if chaintool_engine == "docker":
        build_node_image(chaintool_node_dir or default_node_dir())
    with running(free_port(), chaintool_node_dir, engine=chaintool_engine) as state:
        yield state.url


@pytest.fixture(scope="session")
def substrate(chaintool_devnet: str) -> Iterator[SubstrateInterface]:
    client = connect(chaintool_devnet)
    yield client
    client.close()


@pytest.fixture(scope="session")
def dev_accounts() -> dict[str, Keypair]:
    return {name: Keypair.create_from_uri(f"//{name.capitalize()}") for name in DEV_NAMES}


@pytest.fixture
def execute_workflow(
    substrate: SubstrateInterface, dev_accounts: dict[str, Keypair]
) -> Callable[..., ChainResult]:
    def run(
        manifest: Path, inputs: list[bytes], signer: Keypair | None = None, **kw: Any
    ) -> ChainResult:
        return execute_on_chain(
            substrate, load_plan(manifest), inputs, signer or dev_accounts["alice"], **kw
        )

    return run


@pytest.fixture(autouse=True)
def _chaintool_isolation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Rolls the chain back after each test that used the devnet, unless the module opts out."""
    if "chaintool_devnet" not in request.fixturenames or request.node.get_closest_marker(
        SHARED_STATE_MARKER
    ):
        yield
        return
    url = request.getfixturevalue("chaintool_devnet")
    head = rpc(url, "chain_getHeader")
    yield
    try:
        rpc(url, "dev_setHead", [int(head["number"], 16)])
    except DevnetError as error:
        # A real node reused through CHAINTOOL_NODE_URL has no dev_setHead: state is shared.
        warnings.warn(f"no per-test isolation on {url}: {error.message}", stacklevel=1)
