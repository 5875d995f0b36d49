"""Executing workflows on-chain with substrate-interface, and decoding what the pallet emits.

The pallet emits `Executed { who, output }` where `output` is the SCALE encoding of the workflow's
output (see `EncodeOutput` in chaintool_support); `decode_output` turns it into the same JSON value
`chaintool exec --via native` prints.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from .errors import ChaintoolError, ExecutionError
from .node import pallet_type_name
from .plan import Plan
from .valuetypes import CollectionType, ValueType

DEV_SIGNERS = ("//Alice", "//Bob", "//Charlie", "//Dave", "//Eve", "//Ferdie")


class ChainError(ChaintoolError):
    """The chain refused or failed an extrinsic, or could not be reached."""

    exit_code = 7


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def keypair(signer: str, url: str, allow_remote_dev_keys: bool = False) -> Keypair:
    """A keypair from a secret URI; dev keys only for a devnet on this machine."""
    if signer.startswith("//") and not is_loopback(url) and not allow_remote_dev_keys:
        raise ChainError(
            f"refusing to sign with the dev key {signer} for {url}, which is not on loopback",
            hint="dev keys are public; pass --allow-remote-dev-keys if this really is a dev chain",
        )
    try:
        return Keypair.create_from_uri(signer)
    except ValueError as error:
        raise ChainError(f"invalid --signer {signer!r}: {error}") from None


def connect(url: str) -> SubstrateInterface:
    try:
        return SubstrateInterface(url=url)
    except (ConnectionError, OSError) as error:
        raise ChainError(
            f"cannot reach {url}: {error}", hint="is the devnet up? chaintool devnet status"
        ) from None


# --- decoding the pallet's output --------------------------------------------------------------


def _compact(data: bytes, at: int) -> tuple[int, int]:
    mode = data[at] & 3
    if mode == 0:
        return data[at] >> 2, at + 1
    if mode == 1:
        return int.from_bytes(data[at : at + 2], "little") >> 2, at + 2
    if mode == 2:
        return int.from_bytes(data[at : at + 4], "little") >> 2, at + 4
    size = (data[at] >> 2) + 4
    return int.from_bytes(data[at + 1 : at + 1 + size], "little"), at + 1 + size


def _decode(data: bytes, at: int, value_type: ValueType) -> tuple[Any, int]:
    if isinstance(value_type, CollectionType):
        distinct = list(dict.fromkeys(value_type.items))
        count, at = _compact(data, at)
        items = []
        for _ in range(count):
            item_type = distinct[0]
            if len(distinct) > 1:
                item_type, at = distinct[data[at]], at + 1
            item, at = _decode(data, at, item_type)
            items.append(item)
        return items, at
    if value_type == "Bool":
        return data[at] == 1, at + 1
    length, at = _compact(data, at)
    raw = data[at : at + length]
    if len(raw) != length:
        raise ValueError("truncated")
    value = raw.decode("utf-8") if value_type == "String" else "0x" + raw.hex()
    return value, at + length


def decode_output(data: bytes, value_type: ValueType) -> Any:
    """The JSON value of a SCALE-encoded workflow output."""
    try:
        value, end = _decode(data, 0, value_type)
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise ExecutionError(
            f"the chain's output does not decode as {value_type}: {error}"
        ) from None
    if end != len(data):
        raise ExecutionError(
            f"the chain's output has {len(data) - end} bytes more than a {value_type}"
        )
    return value


# --- executing ---------------------------------------------------------------------------------


@dataclass
class ChainResult:
    output: Any
    block_hash: str
    extrinsic_hash: str
    events: list[dict[str, Any]] = field(default_factory=list)


def _event_dict(event: Any) -> dict[str, Any]:
    value = event.value
    return {
        "module": value["module_id"],
        "event": value["event_id"],
        "attributes": value.get("attributes"),
    }


def execute_on_chain(
    substrate: SubstrateInterface,
    plan: Plan,
    inputs: list[bytes],
    signer: Keypair,
    nonce: int | None = None,
) -> ChainResult:
    """Submits `execute(inputs)` to the plan's pallet, waits for inclusion, returns the output."""
    pallet = pallet_type_name(plan)
    try:
        call = substrate.compose_call(
            call_module=pallet,
            call_function="execute",
            call_params={"inputs": ["0x" + data.hex() for data in inputs]},
        )
    except ValueError as error:
        raise ChainError(
            f"the chain has no pallet {pallet} with an `execute` call: {error}",
            hint="build a node with this workflow: chaintool node build MANIFEST, then devnet up",
        ) from None
    extrinsic = substrate.create_signed_extrinsic(call=call, keypair=signer, nonce=nonce)
    try:
        receipt = substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
    except SubstrateRequestException as error:
        raise ChainError(f"the chain refused the extrinsic: {_reason(error)}") from None
    events = [_event_dict(e) for e in receipt.triggered_events]
    if not receipt.is_success:
        failure = receipt.error_message or {}
        raise ChainError(
            f"{pallet}.execute failed: {failure.get('name', failure)}"
            + (f" ({' '.join(failure.get('docs', []))})" if failure.get("docs") else ""),
        )
    for event in events:
        if event["module"] == pallet and event["event"] == "Executed":
            output = _output_bytes(event["attributes"])
            return ChainResult(
                output=decode_output(output, plan.output_type),
                block_hash=receipt.block_hash,
                extrinsic_hash=receipt.extrinsic_hash,
                events=events,
            )
    raise ChainError(f"{pallet}.execute succeeded but emitted no Executed event")


def _output_bytes(attributes: Any) -> bytes:
    output = attributes["output"] if isinstance(attributes, dict) else attributes[1]
    if isinstance(output, str):
        return bytes.fromhex(output.removeprefix("0x"))
    return bytes(output)


def _reason(error: SubstrateRequestException) -> str:
    detail = error.args[0] if error.args else error
    if isinstance(detail, dict):
        return f"{detail.get('message', '')} {detail.get('data', '')}".strip()
    return str(detail)
