"""`chaintool exec`: running a workflow on given inputs, natively or through its WASM interface."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from .build import native_runner, run_runner, wasm_command, wasm_package
from .errors import InputError
from .plan import Plan
from .scaffold import Scaffolded
from .toolchain import Progress


class Via(StrEnum):
    native = "native"
    wasm = "wasm"
    chain = "chain"


def check_input_count(plan: Plan, inputs: list[bytes]) -> None:
    expected = len(plan.external_types)
    if len(inputs) != expected:
        kinds = ", ".join(plan.external_types)
        raise InputError(
            f"the workflow takes {expected} external input(s) ({kinds}), {len(inputs)} given",
            hint="give one --input-file, --input-hex or --input-text per input, in manifest order",
        )


def execute(
    project: Scaffolded, inputs: list[bytes], via: Via, progress: Progress | None = None
) -> Any:
    """Runs the workflow natively or through WASM; returns its output as a JSON value."""
    check_input_count(project.plan, inputs)
    if via is Via.native:
        return run_runner([str(native_runner(project, progress))], inputs)
    if via is Via.wasm:
        return run_runner(wasm_command(wasm_package(project, progress)), inputs)
    raise ValueError("on-chain execution goes through chaintool.chain")


def human(value: Any) -> str:
    """How `exec` prints an output without --json: strings (String, or the hex of Bytes and
    Multihash) as they are, Bool and collections as JSON."""
    return value if isinstance(value, str) else json.dumps(value)
