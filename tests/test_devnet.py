"""`chaintool devnet`: up, status, logs and down on a real Chopsticks; every failure a user can
meet gets a clear message, and nothing is left running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from chaintool.devnet import HOST, down, free_port, port_free, read_state, running
from chaintool.node import NodeArtifacts
from tests.conftest import invoke

pytestmark = pytest.mark.chain


@pytest.fixture
def node_copy(node_artifacts: NodeArtifacts, tmp_path: Path) -> Path:
    """A node folder of its own (its own devnet state), with the test node's chain spec."""
    folder = tmp_path / "node"
    folder.mkdir()
    shutil.copyfile(node_artifacts.chain_spec, folder / "chain-spec.raw.json")
    return folder


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_up_status_logs_down(cli: Any, node_copy: Path) -> None:
    port = free_port()
    up = invoke(cli, "devnet", "up", "--detach", "--port", port, "--node-dir", node_copy)
    assert up.exit_code == 0, up.output
    assert up.stdout.strip() == f"ws://{HOST}:{port}"
    state = read_state(node_copy)
    assert state is not None
    try:
        status = json.loads(
            invoke(cli, "devnet", "status", "--json", "--node-dir", node_copy).stdout
        )
        assert status["state"] == "running" and status["best_block"] >= 0
        again = invoke(
            cli, "devnet", "up", "--detach", "--port", free_port(), "--node-dir", node_copy
        )
        assert again.exit_code == 6 and "already running" in again.stderr
        # Chopsticks' logger writes asynchronously: give it a moment.
        deadline = time.monotonic() + 10
        while (
            "RPC listening"
            not in (logs := invoke(cli, "devnet", "logs", "--node-dir", node_copy)).stdout
        ):
            assert time.monotonic() < deadline, logs.stdout
            time.sleep(0.2)
    finally:
        down = invoke(cli, "devnet", "down", "--node-dir", node_copy)
    assert down.stdout.strip() == "stopped"
    assert _gone(state.pid)
    assert port_free(port)
    stopped = invoke(cli, "devnet", "status", "--node-dir", node_copy)
    assert stopped.exit_code == 1 and "not running" in stopped.stdout


def test_busy_port(cli: Any, node_copy: Path) -> None:
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke(cli, "devnet", "up", "--detach", "--port", port, "--node-dir", node_copy)
    assert result.exit_code == 6
    assert f"port {port} on {HOST} is busy" in result.stderr
    assert read_state(node_copy) is None


def test_missing_chain_spec(cli: Any, tmp_path: Path) -> None:
    result = invoke(cli, "devnet", "up", "--detach", "--node-dir", tmp_path)
    assert result.exit_code == 6
    assert "no chain spec" in result.stderr and "chaintool node build" in result.stderr


def test_missing_node_js(cli: Any, node_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINTOOL_NODE", "/nonexistent/node")
    result = invoke(cli, "devnet", "up", "--detach", "--port", free_port(), "--node-dir", node_copy)
    assert result.exit_code == 3
    assert "/nonexistent/node" in result.stderr and "scripts/setup.sh" in result.stderr


def test_engine_crash_at_start_shows_its_log(cli: Any, node_copy: Path) -> None:
    (node_copy / "chain-spec.raw.json").write_text('{"name": "broken", "genesis": {}}')
    result = invoke(cli, "devnet", "up", "--detach", "--port", free_port(), "--node-dir", node_copy)
    assert result.exit_code == 6
    assert "exited at start" in result.stderr
    assert "its last lines" in result.stderr
    assert read_state(node_copy) is None


def test_killed_devnet_is_detected_and_up_recovers(cli: Any, node_copy: Path) -> None:
    port = free_port()
    assert (
        invoke(cli, "devnet", "up", "--detach", "--port", port, "--node-dir", node_copy).exit_code
        == 0
    )
    state = read_state(node_copy)
    assert state is not None
    os.killpg(state.pid, signal.SIGKILL)
    os.waitpid(state.pid, 0)
    status = json.loads(invoke(cli, "devnet", "status", "--json", "--node-dir", node_copy).stdout)
    assert status["state"] == "stale"
    assert read_state(node_copy) is None
    try:
        assert (
            invoke(
                cli, "devnet", "up", "--detach", "--port", port, "--node-dir", node_copy
            ).exit_code
            == 0
        )
    finally:
        invoke(cli, "devnet", "down", "--node-dir", node_copy)


def test_context_manager_leaves_nothing(node_copy: Path) -> None:
    with running(folder=node_copy) as state:
        assert not port_free(state.port)
    assert _gone(state.pid)
    assert port_free(state.port)
    assert read_state(node_copy) is None


def foreground(node_copy: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    """`chaintool devnet up` without --detach, as a user runs it; returns once it is ready."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chaintool"),
            "devnet",
            "up",
            "--port",
            str(port),
            "--node-dir",
            str(node_copy),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == f"ws://{HOST}:{port}"
    return process


def test_foreground_devnet_stops_on_sigterm(node_copy: Path) -> None:
    port = free_port()
    process = foreground(node_copy, port)
    state = read_state(node_copy)
    assert state is not None
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert _gone(state.pid) and port_free(port) and read_state(node_copy) is None
    finally:
        down(node_copy)  # if the command failed to, so that no devnet outlives the test


def test_foreground_devnet_reports_an_engine_that_dies(node_copy: Path) -> None:
    process = foreground(node_copy, free_port())
    state = read_state(node_copy)
    assert state is not None
    os.killpg(state.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == 6
    assert process.stderr is not None
    assert "the devnet stopped on its own" in process.stderr.read()
    assert read_state(node_copy) is None
