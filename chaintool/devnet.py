"""The local devnet: Chopsticks serving the dev chain spec on 127.0.0.1, tracked by a state file.

Ready means the RPC answers and the genesis block is there, not merely an open port. Every process
started here is recorded in the state file and stopped by `down` (SIGINT, then SIGTERM, then
SIGKILL, on its whole process group); a state file left by a killed devnet is detected and cleaned.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import websocket

from .errors import ChaintoolError, ToolMissingError
from .node import NodeArtifacts, chopsticks_dir, default_node_dir
from .toolchain import node

HOST = "127.0.0.1"
DEFAULT_PORT = 9944
READY_TIMEOUT_S = 120.0
READY_POLL_S = 0.1
STOP_TIMEOUT_S = 10.0
RPC_TIMEOUT_S = 5.0
LOG_TAIL_LINES = 25


class DevnetError(ChaintoolError):
    """The devnet could not start, or is not in the state a command needs."""

    exit_code = 6


@dataclass(frozen=True)
class DevnetState:
    pid: int
    port: int
    engine: str
    chain_spec: str
    log: str
    started_at: float

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}"


def state_dir(folder: Path | None = None) -> Path:
    return (folder or default_node_dir()) / "devnet"


def _state_file(folder: Path | None) -> Path:
    return state_dir(folder) / "state.json"


def read_state(folder: Path | None = None) -> DevnetState | None:
    path = _state_file(folder)
    try:
        return DevnetState(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        path.unlink(missing_ok=True)  # unreadable: nothing can be tracked from it
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child counts as dead.
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True


def rpc(
    url: str, method: str, params: list[Any] | None = None, timeout: float = RPC_TIMEOUT_S
) -> Any:
    """One JSON-RPC request over a fresh websocket."""
    ws = websocket.create_connection(url, timeout=timeout)
    try:
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}))
        reply = json.loads(ws.recv())
    finally:
        ws.close()
    if "error" in reply:
        raise DevnetError(f"{method}: {reply['error'].get('message', reply['error'])}")
    return reply["result"]


def answers(url: str) -> bool:
    """Ready: the RPC answers and the genesis block is there."""
    try:
        return bool(rpc(url, "chain_getBlockHash", [0], timeout=2.0))
    except (OSError, websocket.WebSocketException, DevnetError, ValueError):
        return False


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def log_tail(path: str | Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def chopsticks_command(spec: Path, port: int) -> list[str]:
    entry = chopsticks_dir() / "node_modules" / "@acala-network" / "chopsticks" / "chopsticks.cjs"
    if not entry.is_file():
        raise ToolMissingError(
            f"Chopsticks is not installed ({entry})", hint="run scripts/setup.sh"
        )
    return [
        node(),
        str(entry),
        "--genesis",
        str(spec),
        "--host",
        HOST,
        "--port",
        str(port),
        "--build-block-mode",
        "Instant",
    ]


def status(folder: Path | None = None) -> dict[str, Any]:
    """running (RPC answers), unresponsive (process alive, RPC silent), stale (process gone:
    the state file is removed), or stopped."""
    state = read_state(folder)
    if state is None:
        return {"state": "stopped"}
    if not _alive(state.pid):
        _state_file(folder).unlink(missing_ok=True)
        return {
            "state": "stale",
            "detail": f"process {state.pid} is gone; cleaned its state",
            "log_tail": log_tail(state.log),
        }
    info: dict[str, Any] = {**asdict(state), "url": state.url}
    if not answers(state.url):
        return {"state": "unresponsive", **info}
    header = rpc(state.url, "chain_getHeader")
    return {"state": "running", "best_block": int(header["number"], 16), **info}


def up(
    port: int = DEFAULT_PORT,
    folder: Path | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> DevnetState:
    """Starts Chopsticks in the background and waits until it is ready."""
    artifacts = NodeArtifacts((folder or default_node_dir()).absolute())
    current = status(folder)
    if current["state"] in ("running", "unresponsive"):
        raise DevnetError(
            f"a devnet is already running at {current['url']} (pid {current['pid']})",
            hint="use it, or stop it with `chaintool devnet down`",
        )
    if not artifacts.chain_spec.is_file():
        raise DevnetError(
            f"no chain spec at {artifacts.chain_spec}",
            hint="build it first: chaintool node build MANIFEST...",
        )
    if not port_free(port):
        raise DevnetError(f"port {port} on {HOST} is busy", hint="pick another with --port")
    command = chopsticks_command(artifacts.chain_spec, port)
    logs = state_dir(folder)
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / "chopsticks.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=logs,
        )
    state = DevnetState(
        pid=process.pid,
        port=port,
        engine="chopsticks",
        chain_spec=str(artifacts.chain_spec),
        log=str(log_path),
        started_at=time.time(),
    )
    _state_file(folder).write_text(json.dumps(asdict(state)))
    try:
        _wait_ready(process, state, on_wait)
    except BaseException:
        # Not ready, or interrupted while starting: nothing of it may stay behind.
        _stop(state.pid)
        _state_file(folder).unlink(missing_ok=True)
        raise
    return state


def _wait_ready(
    process: subprocess.Popen[bytes], state: DevnetState, on_wait: Callable[[str], None] | None
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DevnetError(
                f"Chopsticks exited at start (exit code {process.returncode}); its last lines:\n"
                + log_tail(state.log)
            )
        if answers(state.url):
            return
        if on_wait:
            on_wait(log_tail(state.log, 1))
        time.sleep(READY_POLL_S)
    raise DevnetError(
        f"Chopsticks did not answer on {state.url} within {READY_TIMEOUT_S:.0f} s; its last "
        f"lines:\n{log_tail(state.log)}"
    )


def _stop(pid: int) -> None:
    for sig, wait in (
        (signal.SIGINT, STOP_TIMEOUT_S),
        (signal.SIGTERM, STOP_TIMEOUT_S),
        (signal.SIGKILL, 5.0),
    ):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Inside, SIGTERM raises KeyboardInterrupt like Ctrl-C, so that clean-up code runs."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def wait(state: DevnetState) -> None:
    """Blocks while the devnet runs; raises DevnetError if it stops on its own."""
    while _alive(state.pid):
        time.sleep(0.5)
    raise DevnetError(f"the devnet stopped on its own; its last lines:\n{log_tail(state.log)}")


def down(folder: Path | None = None) -> bool:
    """Stops the devnet; returns False if none was running."""
    state = read_state(folder)
    if state is None:
        return False
    _stop(state.pid)
    _state_file(folder).unlink(missing_ok=True)
    return True


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(port: int | None = None, folder: Path | None = None) -> Iterator[DevnetState]:
    """A devnet for the duration of a `with` block, stopped afterwards whatever happens."""
    state = up(port or free_port(), folder)
    try:
        yield state
    finally:
        down(folder)
