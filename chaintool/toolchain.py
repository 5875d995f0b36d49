"""The programs chaintool drives, where its caches live, and running them with progress.

Native builds use the rustup toolchain. WASM builds use Debian's `rustc-web` (`/usr/bin/cargo`),
which carries the standard library sources needed by `-Z build-std` (see DESIGN.md); set
`CHAINTOOL_WASM_CARGO` / `CHAINTOOL_WASM_RUSTC` to use others. Every build shares one cargo
target folder per toolchain under the cache, so repeated builds (and CI) reuse compiled crates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import BuildError, ToolMissingError

Progress = Callable[[str], None]
SETUP_HINT = "run scripts/setup.sh, which installs the toolchain chaintool needs"
LOG_TAIL_LINES = 40
# Cargo output lines worth showing as progress.
_PROGRESS_WORDS = (
    "Compiling",
    "Checking",
    "Running",
    "Finished",
    "Locking",
    "Downloaded",
    "test result",
)


def cache_dir() -> Path:
    explicit = os.environ.get("CHAINTOOL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chaintool"


def native_target_dir() -> Path:
    return cache_dir() / "target" / "native"


def wasm_target_dir() -> Path:
    return cache_dir() / "target" / "wasm"


def find_tool(name: str, explicit: str | None = None, extra: Sequence[Path] = ()) -> str:
    """The path of program `name`, or a ToolMissingError saying how to get it."""
    if explicit:
        if Path(explicit).is_file():
            return explicit
        raise ToolMissingError(f"{explicit} (for {name}) does not exist", hint=SETUP_HINT)
    for folder in extra:
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise ToolMissingError(f"{name} is not installed", hint=SETUP_HINT)
    return found


def cargo() -> str:
    return find_tool("cargo", os.environ.get("CHAINTOOL_CARGO"))


def wasm_cargo() -> str:
    return find_tool("cargo", os.environ.get("CHAINTOOL_WASM_CARGO", "/usr/bin/cargo"))


def wasm_rustc() -> str:
    return find_tool("rustc", os.environ.get("CHAINTOOL_WASM_RUSTC", "/usr/bin/rustc"))


def wasm_bindgen() -> str:
    return find_tool("wasm-bindgen", extra=[cache_dir() / "tools" / "bin"])


def node() -> str:
    return find_tool("node", os.environ.get("CHAINTOOL_NODE"))


def native_env() -> dict[str, str]:
    return {**os.environ, "CARGO_TARGET_DIR": str(native_target_dir())}


def wasm_env() -> dict[str, str]:
    rustc = wasm_rustc()
    return {
        **os.environ,
        "CARGO_TARGET_DIR": str(wasm_target_dir()),
        "RUSTC": rustc,
        # `-Z build-std` is unstable; Debian's stable rustc accepts it with this switch.
        "RUSTC_BOOTSTRAP": "1",
        "PATH": f"{Path(rustc).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def run_logged(
    command: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_name: str,
    progress: Progress | None = None,
    what: str,
    progress_prefixes: tuple[str, ...] = _PROGRESS_WORDS,
) -> None:
    """Runs `command`, passing cargo's progress lines to `progress` and keeping a full log.

    On failure raises BuildError with the end of the log, where cargo puts its errors.
    """
    log_path = cache_dir() / "logs" / f"{log_name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)
    try:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except FileNotFoundError:
        raise ToolMissingError(f"{command[0]} is not installed", hint=SETUP_HINT) from None
    assert process.stdout is not None
    with log_path.open("w", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n")
        for line in process.stdout:
            log.write(line)
            tail.append(line.rstrip())
            stripped = line.strip()
            if progress and stripped.startswith(progress_prefixes):
                progress(stripped)
    if process.wait() != 0:
        raise BuildError(
            f"{what} failed (exit code {process.returncode}); the end of its log:\n"
            + "\n".join(tail),
            hint=f"full log: {log_path}",
        )
