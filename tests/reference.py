"""An independent Python implementation of the built-in operations, to check generated crates.

It uses hashlib, the `blake3` package and `multiformats`, none of which chaintool's Rust code uses.
Outputs are JSON values in `chaintool exec --json` form.
"""

from __future__ import annotations

import hashlib

import blake3
from multiformats import CID, multihash

# multiformats' codec names for the op_multihash hashers.
HASHERS = {"Blake3_256": "blake3", "Sha2_256": "sha2-256", "Blake2b_256": "blake2b-256"}


def digest(hasher: str, data: bytes) -> bytes:
    if hasher == "Blake3_256":
        return blake3.blake3(data).digest()
    if hasher == "Sha2_256":
        return hashlib.sha256(data).digest()
    return hashlib.blake2b(data, digest_size=32).digest()


def multihash_of(hasher: str, data: bytes) -> bytes:
    return bytes(multihash.wrap(digest(hasher, data), HASHERS[hasher]))


def cid_of(hasher: str, data: bytes) -> str:
    return str(CID("base32", 1, "raw", multihash_of(hasher, data)))


def hex0x(data: bytes) -> str:
    return "0x" + data.hex()
