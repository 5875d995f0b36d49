"""Where chaintool's templates and built-in operation crates live.

In a source checkout (`pip install -e .`) they are the repository's `templates/` and `ops/`;
in an installed wheel they are copied into `chaintool/_data/`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    return _data_dir("templates")


def builtin_ops_dir() -> Path:
    return _data_dir("ops")


def node_dir() -> Path:
    return _data_dir("node")


def js_dir() -> Path:
    return _PACKAGE / "js"
