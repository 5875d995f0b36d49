"""Operation IDs: Anagolay's recipe, checked against the REFERENCE.md vector and an encoding
written out by hand here (not with scalecodec, which chaintool uses)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import blake3
import pytest
from multiformats import CID, multihash

from chaintool.ids import FOR_WHAT, cid_of, encode_operation_data
from chaintool.operations import load_registry


def compact(n: int) -> bytes:
    if n < 1 << 6:
        return bytes([n << 2])
    if n < 1 << 14:
        return ((n << 2) | 1).to_bytes(2, "little")
    return ((n << 2) | 2).to_bytes(4, "little")


def text(value: str) -> bytes:
    raw = value.encode()
    return compact(len(raw)) + raw


def vec(items: Sequence[Any], encode: Callable[[Any], bytes]) -> bytes:
    return compact(len(items)) + b"".join(encode(item) for item in items)


def by_hand(data: dict[str, Any]) -> bytes:
    config = sorted(data["config"].items())
    return b"".join(
        [
            text(data["name"]),
            text(data["description"]),
            vec(data["inputs"], text),
            vec(config, lambda kv: text(kv[0]) + vec(kv[1], text)),
            vec(data["groups"], lambda g: bytes([FOR_WHAT.index(g)])),
            text(data["output"]),
            text(data["repository"]),
            text(data["license"]),
            vec(data["features"], text),
        ]
    )


def test_reference_vector() -> None:
    assert cid_of(bytes.fromhex("1468656c6c6f")) == (
        "bafkr4iac2luovbttsv5iftbg2zl4okalixafa2vjwtbmf6exgwiuvukhmi"
    )


@pytest.mark.parametrize("name", ["op_multihash", "op_cid", "op_collect", "op_match_all"])
def test_builtin_operation_ids(name: str) -> None:
    operation = load_registry().by_name[name]
    manifest = json.loads((operation.crate_dir / "manifest.json").read_text())
    encoded = by_hand(manifest)
    assert encode_operation_data(manifest) == encoded
    digest = multihash.wrap(blake3.blake3(encoded).digest(), "blake3")
    assert operation.id == str(CID("base32", 1, "raw", digest))
    assert operation.id.startswith("bafkr4i")


def test_config_is_encoded_sorted_by_key() -> None:
    data = {
        "name": "op_test",
        "description": "test",
        "inputs": ["Bytes"],
        "config": {"zeta": ["1"], "alpha": ["2", "3"]},
        "groups": ["GENERIC", "FLOWCONTROL"],
        "output": "Bytes",
        "repository": "",
        "license": "",
        "features": [],
    }
    assert encode_operation_data(data) == by_hand(data)
