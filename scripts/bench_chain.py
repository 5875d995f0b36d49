#!/usr/bin/env python3
"""Benchmark on the embedded devnet (Chopsticks running the dev runtime), measured in one run:

- devnet cold start to ready (RPC answers, genesis there), median of --starts runs;
- round trip for the CID workflow on 16 KB (sign, submit, included, event decoded): median and p95
  over --rounds runs;
- for comparison, the same round trip for `System.remark_with_event` of 16 KB on the same devnet;
- throughput of the load test: 200 extrinsics from 4 accounts submitted concurrently;
- the weight the runtime charges `execute` for 16 KB (payment_queryInfo).

usage: scripts/bench_chain.py [--rounds 50] [--starts 3]   (run scripts/setup.sh first)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from substrateinterface import Keypair, SubstrateInterface  # noqa: E402

from chaintool.chain import connect, execute_on_chain  # noqa: E402
from chaintool.devnet import down, free_port, up  # noqa: E402
from chaintool.node import node_build  # noqa: E402
from chaintool.scaffold import load_plan  # noqa: E402
from chaintool.weights import cached_weights  # noqa: E402

MANIFEST = ROOT / "examples" / "cidv1_from_bytes.json"
NODE_DIR = ROOT / "build" / "bench-node"
PAYLOAD = bytes((i * 31) % 251 for i in range(16 * 1024))


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def remark(substrate: SubstrateInterface, signer: Keypair) -> None:
    call = substrate.compose_call("System", "remark_with_event", {"remark": "0x" + PAYLOAD.hex()})
    extrinsic = substrate.create_signed_extrinsic(call=call, keypair=signer)
    receipt = substrate.submit_extrinsic(extrinsic, wait_for_inclusion=True)
    if not receipt.is_success or not any(
        e.value["event_id"] == "Remarked" for e in receipt.triggered_events
    ):
        raise RuntimeError(f"remark failed: {receipt.error_message}")


def load(url: str, per_signer: int = 50) -> float:
    plan = load_plan(MANIFEST)
    signers = [Keypair.create_from_uri(f"//{n}") for n in ("Alice", "Bob", "Dave", "Eve")]
    errors: list[BaseException] = []

    # substrate-interface sets up its type registry on connection, which is not thread-safe:
    # connect first, then submit concurrently.
    clients = [connect(url) for _ in signers]
    for client in clients:
        client.init_runtime()

    def submit(index: int) -> None:
        client, signer = clients[index], signers[index]
        try:
            nonce = client.get_account_nonce(signer.ss58_address)
            for k in range(per_signer):
                execute_on_chain(client, plan, [f"{k}".encode()], signer, nonce=nonce + k)
        except BaseException as error:
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(signers))]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"load: {errors[0]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()

    print("building the dev node (incremental)...", file=sys.stderr)
    node_build([MANIFEST], NODE_DIR)
    down(NODE_DIR)

    starts = []
    for _ in range(args.starts):
        begin = time.perf_counter()
        up(free_port(), NODE_DIR)
        starts.append(time.perf_counter() - begin)
        down(NODE_DIR)

    state = up(free_port(), NODE_DIR)
    try:
        substrate = connect(state.url)
        alice = Keypair.create_from_uri("//Alice")
        plan = load_plan(MANIFEST)
        first = execute_on_chain(substrate, plan, [PAYLOAD], alice)  # also a warm-up
        expected = first.output
        success = next(e for e in first.events if e["event"] == "ExtrinsicSuccess")
        weight = success["attributes"]["dispatch_info"]["weight"]
        workflow = timed(lambda: execute_on_chain(substrate, plan, [PAYLOAD], alice), args.rounds)
        remarks = timed(lambda: remark(substrate, alice), args.rounds)
        load_s = load(state.url)
    finally:
        down(NODE_DIR)

    wf_median, rm_median = statistics.median(workflow), statistics.median(remarks)
    print(f"\nembedded devnet (Chopsticks), output {expected}")
    print(f"{'measure':44} {'median':>9} {'p95':>9}")
    print(f"{'devnet cold start to ready':44} {statistics.median(starts):8.2f}s {'':>9}")
    print(
        f"{'CID workflow, 16 KB, round trip':44} {wf_median * 1000:7.1f}ms "
        f"{percentile(workflow, 0.95) * 1000:7.1f}ms"
    )
    print(
        f"{'System.remark_with_event, 16 KB, round trip':44} {rm_median * 1000:7.1f}ms "
        f"{percentile(remarks, 0.95) * 1000:7.1f}ms"
    )
    print(f"workflow / remark: {wf_median / rm_median:.2f}")
    print(
        f"load: 200 extrinsics from 4 accounts in {load_s:.1f}s = {200 / load_s:.1f} extrinsics/s"
    )
    bench = cached_weights(load_plan(MANIFEST))
    own = bench.base_ref_time + bench.ref_time_per_byte * len(PAYLOAD)
    print(
        f"benchmarked weight of execute(16 KB): ref_time {own} ps = {bench.base_ref_time} + "
        f"{len(PAYLOAD)} x {bench.ref_time_per_byte}, {bench.writes} write(s), "
        f"proof_size {bench.base_proof_size} bytes"
    )
    print(
        f"weight charged for execute(16 KB) (ExtrinsicSuccess): ref_time {weight['ref_time']} ps,"
        f" proof_size {weight['proof_size']} bytes"
    )
    print(
        f"target: round trip < 0.25 s -> {'OK' if wf_median < 0.25 else 'MISSED'} "
        f"(Kusama under Chopsticks: about 1.3 s for the remark)"
    )


if __name__ == "__main__":
    main()
