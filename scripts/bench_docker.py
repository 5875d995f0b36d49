#!/usr/bin/env python3
"""The devnet in Docker against the embedded one, measured in one run:

- dev node image build (host-built artifacts variant): cold (every layer rebuilt), warm (only the
  artifacts changed: Docker's layer cache serves the rest), unchanged (content tag reused);
- image size;
- start to RPC ready, median of --starts runs, for each engine;
- round trip of the CID workflow on 16 KB (sign, submit, included, event decoded), median and p95
  over --rounds runs, for each engine, with their ratio.

usage: scripts/bench_docker.py [--rounds 30] [--starts 5] [--skip-cold]
(needs scripts/setup.sh and scripts/docker-daemon.sh; CHAINTOOL_EXTRA_CA where TLS is intercepted)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_chain import MANIFEST, PAYLOAD, percentile, timed  # noqa: E402
from substrateinterface import Keypair  # noqa: E402

from chaintool.chain import connect, execute_on_chain  # noqa: E402
from chaintool.container import build_node_image, client, ensure_base_image  # noqa: E402
from chaintool.devnet import ENGINES, down, free_port, up  # noqa: E402
from chaintool.node import node_build  # noqa: E402
from chaintool.scaffold import load_plan  # noqa: E402

NODE_DIR = ROOT / "build" / "bench-docker-node"


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--skip-cold", action="store_true", help="no cold image build")
    args = parser.parse_args()

    print("building the dev node on the host (incremental)...", file=sys.stderr)
    node_build([MANIFEST], NODE_DIR)
    down(NODE_DIR)
    base = ensure_base_image()
    builds: dict[str, float] = {}
    if not args.skip_cold:
        print("cold image build...", file=sys.stderr)
        builds["cold (no layer cache)"] = seconds(
            lambda: build_node_image(NODE_DIR, base=base, no_cache=True)
        )
    # Warm: other artifacts (an index with one more byte), so only the last layers are rebuilt.
    warm_dir = NODE_DIR.parent / "bench-docker-warm"
    shutil.rmtree(warm_dir, ignore_errors=True)
    shutil.copytree(NODE_DIR, warm_dir, ignore=shutil.ignore_patterns("workspace", "devnet"))
    index = warm_dir / "workflows.json"
    index.write_text(index.read_text() + f"\n{time.time()}\n")
    builds["warm (artifacts changed)"] = seconds(lambda: build_node_image(warm_dir, base=base))
    client().images.remove(build_node_image(warm_dir, base=base).tag)
    shutil.rmtree(warm_dir)
    image = build_node_image(NODE_DIR, base=base)
    builds["unchanged (tag reused)"] = seconds(lambda: build_node_image(NODE_DIR, base=base))

    starts: dict[str, list[float]] = {engine: [] for engine in ENGINES}
    for _ in range(args.starts):
        for engine in ENGINES:
            starts[engine].append(seconds(lambda e=engine: up(free_port(), NODE_DIR, engine=e)))
            down(NODE_DIR)

    plan = load_plan(MANIFEST)
    alice = Keypair.create_from_uri("//Alice")
    trips: dict[str, list[float]] = {}
    outputs = {}
    for engine in ENGINES:
        state = up(free_port(), NODE_DIR, engine=engine)
        try:
            substrate = connect(state.url)
            outputs[engine] = execute_on_chain(substrate, plan, [PAYLOAD], alice).output  # warm-up
            trips[engine] = timed(
                lambda s=substrate: execute_on_chain(s, plan, [PAYLOAD], alice), args.rounds
            )
            substrate.close()
        finally:
            down(NODE_DIR)
    if outputs["docker"] != outputs["chopsticks"]:
        raise SystemExit(f"engines disagree: {outputs}")

    print(f"\ndev node image {image.tag} on {base}: {image.size / 1e6:.0f} MB")
    for what, elapsed in builds.items():
        print(f"  image build, {what:32} {elapsed:8.1f}s")
    embedded, docker = (statistics.median(starts[e]) for e in ("chopsticks", "docker"))
    print(f"\n{'measure (median)':44} {'embedded':>10} {'docker':>10} {'ratio':>7}")
    print(f"{'start to RPC ready':44} {embedded:9.2f}s {docker:9.2f}s {docker / embedded:7.2f}")
    emb, dock = (statistics.median(trips[e]) for e in ("chopsticks", "docker"))
    print(
        f"{'CID workflow, 16 KB, round trip':44} {emb * 1000:8.1f}ms {dock * 1000:8.1f}ms "
        f"{dock / emb:7.2f}"
    )
    print(
        f"{'  p95':44} {percentile(trips['chopsticks'], 0.95) * 1000:8.1f}ms "
        f"{percentile(trips['docker'], 0.95) * 1000:8.1f}ms"
    )
    print(f"both engines: output {outputs['docker']}")


if __name__ == "__main__":
    main()
