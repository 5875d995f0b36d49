"""The chain tier: workflows executed on the embedded devnet (Chopsticks running the dev runtime
built by `chaintool node build`), compared with native, WASM and the Python reference; bad input
of every kind; concurrent load; per-test isolation.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from substrateinterface import Keypair, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from chaintool.chain import ChainError, ChainResult, connect, execute_on_chain, keypair
from chaintool.devnet import rpc
from chaintool.node import pallet_type_name
from chaintool.scaffold import load_plan
from tests import reference
from tests.conftest import CHAIN_MANIFESTS, EXAMPLES, Built, run_both

pytestmark = pytest.mark.chain

CID, SHA2, BLAKE2B, COLLECT, MULTIHASH_INPUT = CHAIN_MANIFESTS
HASHER_OF = {CID: "Blake3_256", SHA2: "Sha2_256", BLAKE2B: "Blake2b_256"}


def max_input(substrate: SubstrateInterface, manifest: Path) -> int:
    pallet = pallet_type_name(load_plan(manifest))
    return int(substrate.get_constant(pallet, "MaxInputLen").value)


def sizes(substrate: SubstrateInterface) -> dict[str, bytes]:
    rng = random.Random(7)
    largest = max_input(substrate, CID)
    return {
        "empty": b"",
        "1 byte": b"\x07",
        "16 KB": rng.randbytes(16 * 1024),
        f"largest ({largest} bytes)": rng.randbytes(largest),
    }


def expected_output(manifest: Path, data: bytes) -> Any:
    if manifest == COLLECT:
        return [
            reference.cid_of("Sha2_256", data),
            reference.hex0x(reference.multihash_of("Sha2_256", data)),
        ]
    return reference.cid_of(HASHER_OF[manifest], data)


@pytest.mark.parametrize("manifest", [CID, SHA2, BLAKE2B, COLLECT], ids=lambda p: p.stem)
def test_chain_agrees_with_native_wasm_and_reference(
    manifest: Path,
    substrate: SubstrateInterface,
    execute_workflow: Callable[..., ChainResult],
    build: Callable[..., Built],
) -> None:
    built = build(json.loads(manifest.read_text()))
    for label, data in sizes(substrate).items():
        on_chain = execute_workflow(manifest, [data]).output
        assert on_chain == expected_output(manifest, data), label
        assert on_chain == run_both(built, [data]), label


def test_event_and_storage_carry_the_output(
    substrate: SubstrateInterface,
    execute_workflow: Callable[..., ChainResult],
    dev_accounts: dict[str, Keypair],
) -> None:
    result = execute_workflow(CID, [b"hello"], signer=dev_accounts["bob"])
    assert result.output == "bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4"
    executed = [e for e in result.events if e["event"] == "Executed"]
    assert len(executed) == 1
    stored = substrate.query("Cidv1FromBytes", "LastOutput", [dev_accounts["bob"].ss58_address])
    assert bytes.fromhex(stored.value.removeprefix("0x"))[1:] == result.output.encode()


def assert_chain_still_works(
    substrate: SubstrateInterface, execute_workflow: Callable[..., ChainResult]
) -> None:
    before = substrate.get_block_number(None)
    assert execute_workflow(CID, [b"still alive"]).output == reference.cid_of(
        "Blake3_256", b"still alive"
    )
    assert substrate.get_block_number(None) > before


@pytest.mark.parametrize(
    ("manifest", "inputs", "error"),
    [
        (CID, "too large", "InputTooLarge"),
        (CID, [b"a", b"b"], "WrongInputCount"),
        (CID, [], "WrongInputCount"),
        (MULTIHASH_INPUT, [b"\x01\x02not a multihash"], "InputNotDecodable"),
    ],
    ids=["too-large", "two-inputs", "no-input", "undecodable"],
)
def test_bad_input_gets_its_named_error(
    manifest: Path,
    inputs: Any,
    error: str,
    substrate: SubstrateInterface,
    execute_workflow: Callable[..., ChainResult],
) -> None:
    if inputs == "too large":
        inputs = [bytes(max_input(substrate, manifest) + 1)]
    with pytest.raises(ChainError, match=error):
        execute_workflow(manifest, inputs)
    assert_chain_still_works(substrate, execute_workflow)


def test_multihash_input_decodes_on_chain(execute_workflow: Callable[..., ChainResult]) -> None:
    digest = reference.multihash_of("Sha2_256", b"hello")
    assert execute_workflow(MULTIHASH_INPUT, [digest]).output == reference.cid_of(
        "Sha2_256", b"hello"
    )


def _call(substrate: SubstrateInterface) -> Any:
    return substrate.compose_call("Cidv1FromBytes", "execute", {"inputs": ["0x00"]})


def test_unsigned_call_is_refused(
    substrate: SubstrateInterface, execute_workflow: Callable[..., ChainResult]
) -> None:
    extrinsic = substrate.create_unsigned_extrinsic(_call(substrate))
    with pytest.raises(SubstrateRequestException):
        substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
    assert_chain_still_works(substrate, execute_workflow)


def test_signer_without_funds_is_refused(
    substrate: SubstrateInterface, execute_workflow: Callable[..., ChainResult]
) -> None:
    pauper = Keypair.create_from_uri("//chaintool//no-funds")
    with pytest.raises(ChainError, match="payment"):
        execute_on_chain(substrate, load_plan(CID), [b"x"], pauper)
    assert_chain_still_works(substrate, execute_workflow)


def test_reused_nonce_is_refused(
    substrate: SubstrateInterface,
    dev_accounts: dict[str, Keypair],
    execute_workflow: Callable[..., ChainResult],
) -> None:
    charlie = dev_accounts["charlie"]
    nonce = substrate.get_account_nonce(charlie.ss58_address)
    plan = load_plan(CID)
    execute_on_chain(substrate, plan, [b"first"], charlie, nonce=nonce)
    with pytest.raises(ChainError, match=r"(?i)stale|outdated|future"):
        execute_on_chain(substrate, plan, [b"second"], charlie, nonce=nonce)
    assert_chain_still_works(substrate, execute_workflow)


def test_dev_keys_are_refused_for_remote_endpoints() -> None:
    with pytest.raises(ChainError, match="not on loopback"):
        keypair("//Alice", "wss://rpc.example.org")
    assert keypair("//Alice", "wss://rpc.example.org", allow_remote_dev_keys=True)
    assert keypair("//Alice", "ws://[::1]:9944")


def test_load_200_extrinsics_from_4_accounts(
    chaintool_devnet: str, dev_accounts: dict[str, Keypair]
) -> None:
    plan = load_plan(CID)
    signers = [dev_accounts[name] for name in ("alice", "bob", "dave", "eve")]
    per_signer = 50
    results: dict[tuple[int, int], Any] = {}
    failures: list[BaseException] = []

    # substrate-interface sets up its type registry on connection, which is not thread-safe:
    # connect first, one client per thread, then submit concurrently.
    clients = [connect(chaintool_devnet) for _ in signers]
    for client in clients:
        client.init_runtime()

    def submit(index: int, signer: Keypair) -> None:
        client = clients[index]
        try:
            nonce = client.get_account_nonce(signer.ss58_address)
            for k in range(per_signer):
                data = f"{index}:{k}".encode()
                results[(index, k)] = execute_on_chain(
                    client, plan, [data], signer, nonce=nonce + k
                ).output
        except BaseException as error:  # reported below, with the test's own assertion
            failures.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=submit, args=(i, s)) for i, s in enumerate(signers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    assert len(results) == 4 * per_signer
    for (index, k), output in results.items():
        assert output == reference.cid_of("Blake3_256", f"{index}:{k}".encode())


class TestIsolation:
    """State written by one test is gone in the next (the plugin rolls the chain back)."""

    def test_a_writes(
        self,
        execute_workflow: Callable[..., ChainResult],
        substrate: SubstrateInterface,
        dev_accounts: dict[str, Keypair],
    ) -> None:
        execute_workflow(CID, [b"isolation"], signer=dev_accounts["ferdie"])
        assert substrate.query(
            "Cidv1FromBytes", "LastOutput", [dev_accounts["ferdie"].ss58_address]
        ).value

    def test_b_does_not_see_it(
        self, substrate: SubstrateInterface, dev_accounts: dict[str, Keypair], chaintool_devnet: str
    ) -> None:
        head = rpc(chaintool_devnet, "chain_getHeader")
        value = substrate.query(
            "Cidv1FromBytes",
            "LastOutput",
            [dev_accounts["ferdie"].ss58_address],
            block_hash=rpc(chaintool_devnet, "chain_getBlockHash", [int(head["number"], 16)]),
        )
        assert value.value is None


def test_exec_via_chain_cli_with_verify(cli: Any, chaintool_devnet: str, tmp_path: Path) -> None:
    from tests.conftest import invoke

    result = invoke(
        cli,
        "exec",
        EXAMPLES / "cid_and_multihash.json",
        "--via",
        "chain",
        "--url",
        chaintool_devnet,
        "--verify",
        "--json",
        "--input-text",
        "hello",
        "--out",
        tmp_path / "cam",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["output"] == expected_output(COLLECT, b"hello")
    refused = invoke(
        cli, "exec", CID, "--via", "chain", "--url", chaintool_devnet, "--input-hex", "00" * 70000
    )
    assert refused.exit_code == 7
    assert "InputTooLarge" in refused.stderr
