"""Workflow manifests (Anagolay's `WorkflowData`): parsing and structural validation.

Every error names the field it is about (`segments[0].sequence[1].config.hasher`) and says how to
fix it. Resolving operations and checking types is the plan's job (`chaintool.plan`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ManifestError
from .ids import FOR_WHAT

MAX_SEGMENTS = 128
EXTERNAL = -1
FIELDS = ("name", "creators", "description", "groups", "segments")


@dataclass(frozen=True)
class OperationCall:
    version_id: str
    config: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Segment:
    inputs: tuple[int, ...]
    sequence: tuple[OperationCall, ...]


@dataclass(frozen=True)
class WorkflowManifest:
    name: str
    creators: tuple[str, ...]
    description: str
    groups: tuple[str, ...]
    segments: tuple[Segment, ...]


def load_manifest(path: Path) -> WorkflowManifest:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError("", f"manifest file {path} does not exist") from None
    except OSError as error:
        raise ManifestError("", f"cannot read manifest {path}: {error.strerror}") from None
    return parse_manifest(text)


def parse_manifest(text: str | bytes) -> WorkflowManifest:
    try:
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise ManifestError("(file)", f"not UTF-8 text: {error.reason}") from None
    except json.JSONDecodeError as error:
        raise ManifestError(
            "(file)",
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            hint="check for a missing comma or quote near that place",
        ) from None
    except RecursionError:
        raise ManifestError("(file)", "invalid JSON: nested too deeply") from None
    return validate_manifest(data)


def _expect(value: Any, kind: type | tuple[type, ...], field: str, what: str) -> Any:
    # bool is an int in Python; JSON true/false are never a number here.
    if isinstance(value, bool) and kind is not bool:
        raise ManifestError(field, f"must be {what}, got a boolean")
    if not isinstance(value, kind):
        raise ManifestError(field, f"must be {what}, got {_json_kind(value)}")
    return value


def _json_kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if value is None:
        return "null"
    return "a number"


def _text(value: Any, field: str, low: int, high: int, multiline: bool = False) -> str:
    _expect(value, str, field, "a string")
    if not low <= len(value) <= high:
        raise ManifestError(
            field,
            f"must be {low} to {high} characters long, has {len(value)}",
        )
    allowed = "\n\t" if multiline else ""
    for ch in value:
        if (ch < " " and ch not in allowed) or ch == "\x7f":
            raise ManifestError(
                field,
                f"contains the control character U+{ord(ch):04X}",
                hint="remove it" + (" (newlines and tabs are allowed)" if multiline else ""),
            )
    return str(value)


def validate_manifest(data: Any) -> WorkflowManifest:
    _expect(data, dict, "(manifest)", "a JSON object with the fields " + ", ".join(FIELDS))
    for key in FIELDS:
        if key not in data:
            raise ManifestError(
                key, "is missing", hint=f"a workflow manifest has: {', '.join(FIELDS)}"
            )
    for key in data:
        if key not in FIELDS:
            raise ManifestError(
                str(key), "is not a workflow manifest field", hint=f"allowed: {', '.join(FIELDS)}"
            )
    name = _text(data["name"], "name", 8, 128)
    creators = _expect(data["creators"], list, "creators", "a list with one creator")
    if len(creators) != 1:
        raise ManifestError(
            "creators",
            f"must hold exactly one creator, has {len(creators)}",
            hint='e.g. "creators": ["your name or SS58 address"]',
        )
    creator = _text(creators[0], "creators[0]", 1, 128)
    description = _text(data["description"], "description", 8, 1024, multiline=True)
    groups = _expect(data["groups"], list, "groups", "a list of group names")
    for i, group in enumerate(groups):
        if group not in FOR_WHAT:
            raise ManifestError(
                f"groups[{i}]",
                f"{group!r} is not a group",
                hint=f"use one of {', '.join(FOR_WHAT)}",
            )
    segments = _expect(data["segments"], list, "segments", "a list of segments")
    if not segments:
        raise ManifestError("segments", "is empty; a workflow needs at least one segment")
    if len(segments) > MAX_SEGMENTS:
        raise ManifestError("segments", f"has {len(segments)} segments, at most {MAX_SEGMENTS}")
    parsed = tuple(_segment(s, f"segments[{i}]") for i, s in enumerate(segments))
    if not any(EXTERNAL in s.inputs for s in parsed):
        raise ManifestError(
            "segments",
            "no segment takes external input (-1), so the workflow could never be given data",
            hint="give the first segment the input -1",
        )
    for i, segment in enumerate(parsed):
        for j, value in enumerate(segment.inputs):
            if value != EXTERNAL and not 0 <= value < i:
                raise ManifestError(
                    f"segments[{i}].inputs[{j}]",
                    f"{value} is not an earlier segment",
                    hint=f"use -1 (external input) or 0..{i - 1}"
                    if i
                    else "the first segment can only take external input (-1)",
                )
    return WorkflowManifest(
        name=name,
        creators=(creator,),
        description=description,
        groups=tuple(groups),
        segments=parsed,
    )


def _segment(data: Any, field: str) -> Segment:
    _expect(data, dict, field, 'an object {"inputs": [...], "sequence": [...]}')
    for key in ("inputs", "sequence"):
        if key not in data:
            raise ManifestError(f"{field}.{key}", "is missing")
    for key in data:
        if key not in ("inputs", "sequence"):
            raise ManifestError(
                f"{field}.{key}", "is not a segment field", hint="allowed: inputs, sequence"
            )
    inputs = _expect(data["inputs"], list, f"{field}.inputs", "a list of input numbers")
    if not inputs:
        raise ManifestError(
            f"{field}.inputs",
            "is empty",
            hint="use -1 for an external input, or n for the output of earlier segment n",
        )
    for j, value in enumerate(inputs):
        _expect(value, int, f"{field}.inputs[{j}]", "an integer")
    sequence = _expect(data["sequence"], list, f"{field}.sequence", "a list of operations")
    if not sequence:
        raise ManifestError(f"{field}.sequence", "is empty; a segment runs at least one operation")
    return Segment(
        inputs=tuple(inputs),
        sequence=tuple(_call(c, f"{field}.sequence[{k}]") for k, c in enumerate(sequence)),
    )


def _call(data: Any, field: str) -> OperationCall:
    _expect(data, dict, field, 'an object {"versionId": "...", "config": {...}}')
    has_camel, has_snake = "versionId" in data, "version_id" in data
    if has_camel == has_snake:
        raise ManifestError(
            f"{field}.versionId",
            "is missing" if not has_camel else "is given twice (versionId and version_id)",
            hint='give an operation name such as "op_multihash" or an ID from `chaintool ops list`',
        )
    key = "versionId" if has_camel else "version_id"
    for extra in data:
        if extra not in (key, "config"):
            raise ManifestError(
                f"{field}.{extra}", "is not an operation field", hint="allowed: versionId, config"
            )
    version_id = _text(data[key], f"{field}.{key}", 1, 128)
    config = _expect(data.get("config", {}), dict, f"{field}.config", "an object of key: value")
    for config_key, value in config.items():
        _expect(value, str, f"{field}.config.{config_key}", "a string (one of the allowed values)")
    return OperationCall(version_id=version_id, config=tuple(sorted(config.items())))
