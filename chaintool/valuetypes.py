"""The value types that flow between operations, and their Rust spelling.

Manifests name types as strings: `Bytes`, `String`, `Multihash`, `Bool`, and `Collection` for the
output of a FLOWCONTROL operation that gathers values. A collection's item types are only known
from the workflow, so the plan keeps them in `CollectionType`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Types an operation manifest may name for an input, and the Rust type in chaintool_support.
PRIMITIVES: dict[str, str] = {
    "Bytes": "Bytes",
    "String": "String",
    "Multihash": "Multihash",
    "Bool": "bool",
}
COLLECTION = "Collection"
OUTPUT_TYPES = (*PRIMITIVES, COLLECTION)


@dataclass(frozen=True)
class CollectionType:
    """A collection gathered by a FLOWCONTROL operation, with the types of its items in order."""

    items: tuple[ValueType, ...]

    def __str__(self) -> str:
        return f"Collection<{', '.join(str(t) for t in self.items)}>"


ValueType = str | CollectionType
