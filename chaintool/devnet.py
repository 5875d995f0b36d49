"""The local devnet: Chopsticks serving the dev chain spec on 127.0.0.1, tracked by a state file.

Two engines run it: `chopsticks`, a process on this machine, and `docker`, the dev node image of
`node build --docker` in a container on the host's network (`chaintool.container`). Ready means the
RPC answers and the genesis block is there, not merely an open port. Whatever is started is
recorded in the state file and stopped by `down` (a process group: SIGINT, SIGTERM, then SIGKILL; a
container: SIGTERM, SIGKILL, then removed); a devnet that died is detected and cleaned.
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

from . import container
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
ENGINES = ("chopsticks", "docker")


class DevnetError(ChaintoolError):
    """The devnet could not start, or is not in the state a command needs."""

    exit_code = 6


@dataclass(frozen=True)
class DevnetState:
    pid: int  # the Chopsticks process (0 for docker)
    port: int
    engine: str
    chain_spec: str
    log: str
    started_at: float
    container: str = ""  # the container's ID (docker)
    image: str = ""

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


def _exited(state: DevnetState) -> str | None:
    """Why the devnet's engine is no longer running, or None while it runs."""
    if state.engine != "docker":
        return None if _alive(state.pid) else f"Chopsticks (pid {state.pid}) exited"
    found = container.find_container(state.container)
    if found is None:
        return f"the container {state.container[:12]} is gone"
    code = container.container_exit(found)
    return None if code is None else f"the container {state.container[:12]} exited (code {code})"


def logs(state: DevnetState, lines: int = LOG_TAIL_LINES) -> str:
    """The end of the engine's output: the log file, or the container's logs."""
    if state.engine != "docker":
        return log_tail(state.log, lines)
    found = container.find_container(state.container)
    return container.container_logs(found, lines) if found else "(the container is gone)"


def _halt(state: DevnetState) -> None:
    """Stops the engine and everything it started."""
    if state.engine != "docker":
        _stop(state.pid)
        return
    found = container.find_container(state.container)
    if found is not None:
        container.remove_container(found)


def status(folder: Path | None = None) -> dict[str, Any]:
    """running (RPC answers), unresponsive (engine alive, RPC silent), stale (engine gone or
    exited: its state and container are removed), or stopped."""
    state = read_state(folder)
    if state is None:
        return {"state": "stopped"}
    gone = _exited(state)
    if gone:
        tail = logs(state)
        _halt(state)
        _state_file(folder).unlink(missing_ok=True)
        return {
            "state": "stale",
            "engine": state.engine,
            "detail": f"{gone}; cleaned its state",
            "log_tail": tail,
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
    engine: str = "chopsticks",
    image: str | None = None,
) -> DevnetState:
    """Starts the devnet in the background and waits until it is ready. With the docker engine,
    `image` defaults to the one `node build --docker` recorded in the node folder."""
    folder = (folder or default_node_dir()).absolute()
    if engine not in ENGINES:
        raise DevnetError(f"unknown engine {engine!r}", hint=f"one of: {', '.join(ENGINES)}")
    current = status(folder)
    if current["state"] in ("running", "unresponsive"):
        raise DevnetError(
            f"a devnet ({current['engine']}) is already running at {current['url']}",
            hint="use it, or stop it with `chaintool devnet down`",
        )
    if not port_free(port):
        raise DevnetError(f"port {port} on {HOST} is busy", hint="pick another with --port")
    state_dir(folder).mkdir(parents=True, exist_ok=True)
    if engine == "docker":
        state = _start_container(folder, port, image)
    else:
        state = _start_chopsticks(folder, port)
    _state_file(folder).write_text(json.dumps(asdict(state)))
    try:
        _wait_ready(state, on_wait)
    except BaseException:
        # Not ready, or interrupted while starting: nothing of it may stay behind.
        _halt(state)
        _state_file(folder).unlink(missing_ok=True)
        raise
    return state


def _start_chopsticks(folder: Path, port: int) -> DevnetState:
    artifacts = NodeArtifacts(folder)
    if not artifacts.chain_spec.is_file():
        raise DevnetError(
            f"no chain spec at {artifacts.chain_spec}",
            hint="build it first: chaintool node build MANIFEST...",
        )
    command = chopsticks_command(artifacts.chain_spec, port)
    log_path = state_dir(folder) / "chopsticks.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=log_path.parent,
        )
    return DevnetState(
        pid=process.pid,
        port=port,
        engine="chopsticks",
        chain_spec=str(artifacts.chain_spec),
        log=str(log_path),
        started_at=time.time(),
    )


def _start_container(folder: Path, port: int, image: str | None) -> DevnetState:
    container.client()  # first: is there a daemon at all
    image = image or container.recorded_image(folder)
    if image is None:
        raise DevnetError(
            f"no dev node image was built for {folder}",
            hint="build it: chaintool node build --docker MANIFEST...",
        )
    container.reap(folder)  # exited containers of this folder that no state file tracks
    started = container.start_devnet(image, port, folder)
    return DevnetState(
        pid=0,
        port=port,
        engine="docker",
        chain_spec="/chain/chain-spec.raw.json",
        log="",
        started_at=time.time(),
        container=str(started.id),
        image=image,
    )


def _wait_ready(state: DevnetState, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        gone = _exited(state)
        if gone:
            raise DevnetError(f"{gone} at start; its last lines:\n{logs(state)}")
        if answers(state.url):
            return
        if on_wait:
            on_wait(logs(state, 1))
        time.sleep(READY_POLL_S)
    raise DevnetError(
        f"the devnet ({state.engine}) did not answer on {state.url} within "
        f"{READY_TIMEOUT_S:.0f} s; its last lines:\n{logs(state)}"
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
    while True:
        gone = _exited(state)
        if gone:
            raise DevnetError(
                f"the devnet stopped on its own ({gone}); its last lines:\n{logs(state)}"
            )
        time.sleep(0.5)


def down(folder: Path | None = None) -> bool:
    """Stops the devnet; returns False if none was running."""
    state = read_state(folder)
    if state is None:
        return False
    _halt(state)
    _state_file(folder).unlink(missing_ok=True)
    return True


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    port: int | None = None, folder: Path | None = None, engine: str = "chopsticks"
) -> Iterator[DevnetState]:
    """A devnet for the duration of a `with` block, stopped afterwards whatever happens."""
    state = up(port or free_port(), folder, engine=engine)
    try:
        yield state
    finally:
        down(folder)
