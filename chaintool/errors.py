"""Errors a user can cause. The CLI turns each into one message, a hint and an exit code.

The core raises these and never prints; `chaintool.cli` is the one place that formats them.
"""

from __future__ import annotations


class ChaintoolError(Exception):
    """Base class: a failure with a message for the user and, where one helps, a hint."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ManifestError(ChaintoolError):
    """A workflow manifest is not valid. `field` is the path to the offending field."""

    exit_code = 2

    def __init__(self, field: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message, hint)
        self.field = field


class OperationManifestError(ChaintoolError):
    """An operation crate (built in or the user's) has a missing or invalid manifest."""

    exit_code = 2


class ToolMissingError(ChaintoolError):
    """A program chaintool needs (cargo, rustfmt, node, wasm-bindgen...) is not installed."""

    exit_code = 3


class BuildError(ChaintoolError):
    """A cargo or wasm-bindgen build failed; the message carries the end of its log."""

    exit_code = 4


class ExecutionError(ChaintoolError):
    """A workflow ran but returned an error (bad input, operation failure)."""

    exit_code = 5


class InputError(ChaintoolError):
    """Inputs given on the command line are unusable (missing file, bad hex...)."""

    exit_code = 2
