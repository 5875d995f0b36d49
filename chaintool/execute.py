"""`chaintool exec`: running a workflow on given inputs, natively or through its WASM interface."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from .build import native_runner, run_runner, wasm_command, wasm_package
from .errors import InputError
from .scaffold import Scaffolded
from .toolchain import Progress


class Via(StrEnum):
    native = "native"
    wasm = "wasm"


def execute(
    project: Scaffolded, inputs: list[bytes], via: Via, progress: Progress | None = None
) -> Any:
    """Runs the workflow and returns its output as a JSON value."""
    expected = len(project.plan.external_types)
    if len(inputs) != expected:
        kinds = ", ".join(project.plan.external_types)
        raise InputError(
            f"the workflow takes {expected} external input(s) ({kinds}), {len(inputs)} given",
            hint="give one --input-file, --input-hex or --input-text per input, in manifest order",
        )
    if via is Via.native:
        return run_runner([str(native_runner(project, progress))], inputs)
    return run_runner(wasm_command(wasm_package(project, progress)), inputs)


def human(value: Any) -> str:
    """How `exec` prints an output without --json: strings (String, or the hex of Bytes and
    Multihash) as they are, Bool and collections as JSON."""
    return value if isinstance(value, str) else json.dumps(value)
