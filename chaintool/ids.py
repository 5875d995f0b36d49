"""Anagolay-compatible IDs: Blake3-256 of the SCALE encoding, as a CIDv1 (raw, base32 lower)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import blake3
from multiformats import CID, multihash
from scalecodec.base import RuntimeConfigurationObject
from scalecodec.type_registry import load_type_registry_preset

# Anagolay's `ForWhat` enum; the SCALE encoding uses the position in this list.
FOR_WHAT = ("GENERIC", "PHOTO", "CAMERA", "LENS", "SMARTPHONE", "USER", "SYS", "FLOWCONTROL")

# `OperationData`, with the fields in the order Anagolay declares them (the order is the encoding).
_TYPES = {
    "ForWhat": {"type": "enum", "value_list": list(FOR_WHAT)},
    "OperationData": {
        "type": "struct",
        "type_mapping": [
            ["name", "Text"],
            ["description", "Text"],
            ["inputs", "Vec<Text>"],
            ["config", "BTreeMap<Text, Vec<Text>>"],
            ["groups", "Vec<ForWhat>"],
            ["output", "Text"],
            ["repository", "Text"],
            ["license", "Text"],
            ["features", "Vec<Text>"],
        ],
    },
}


@cache
def _registry() -> RuntimeConfigurationObject:
    registry = RuntimeConfigurationObject()
    registry.update_type_registry(load_type_registry_preset("core"))
    registry.update_type_registry({"types": _TYPES})
    return registry


def cid_of(data: bytes) -> str:
    """CIDv1 of `data`: Blake3-256 multihash, codec raw, base32 lower."""
    digest = multihash.wrap(blake3.blake3(data).digest(), "blake3")
    return str(CID("base32", 1, "raw", digest))


def encode_operation_data(data: Mapping[str, Any]) -> bytes:
    """SCALE encoding of an operation manifest. `config` is a BTreeMap: encoded sorted by key."""
    config: Mapping[str, Sequence[str]] = data["config"]
    value = dict(data)
    value["config"] = [(key, list(config[key])) for key in sorted(config)]
    value["inputs"] = list(data["inputs"])
    value["groups"] = list(data["groups"])
    value["features"] = list(data["features"])
    encoded = _registry().create_scale_object("OperationData").encode(value)
    return bytes(encoded.data)


def operation_id(data: Mapping[str, Any]) -> str:
    return cid_of(encode_operation_data(data))
