"""`make generators-burst`: a benchmark burst. Every generator of a running stack renders EVENTS events per
event type, as fast as JR can, to the stack's topics; reports how long that took.

Each burst runs in a one-off copy of the stack's generator container (same image, network, templates
and problem rates, plus `BURST`), removed when it ends. The stack's own generators keep running.
"""

from __future__ import annotations

import argparse
import time

from lakehouse.outputs import stack_outputs
from lakehouse.peek_topics import end_offsets
from providers.docker.client import LABEL_STACK, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--events", type=int, default=100_000, help="events per event type")
    args = parser.parse_args()
    dc = client()
    only = {"label": [f"{LABEL_STACK}={args.stack}", "io.streaming-lakehouse.component=generators"]}
    generators = [c for c in dc.containers.list(filters=only) if not c.name.endswith("-burst")]
    if not generators:
        raise SystemExit(f"no running generator in stack {args.stack!r}: `make up STACK={args.stack}` first")
    outputs = stack_outputs(args.stack)
    bootstrap = outputs["kafka_bootstrap_servers"]
    topics = [line.split()[1] for g in generators for line in _env(g).get("EMITTERS_SPEC", "").splitlines()]
    before, start = end_offsets(bootstrap, topics), time.monotonic()
    bursts = []
    for g in generators:
        env = {**_env(g), "BURST": str(args.events)}
        network = next(iter(g.attrs["NetworkSettings"]["Networks"]))
        print(f"{g.name}: {args.events} events per type, {env.get('EMITTERS_SPEC', '').count(chr(10)) + 1} type(s)")
        bursts.append(
            dc.containers.run(
                g.image.id, environment=env, network=network, name=f"{g.name}-burst", labels=g.labels, detach=True
            )
        )
    try:
        for b in bursts:
            status = b.wait()["StatusCode"]
            if status != 0:
                raise SystemExit(f"{b.name} failed ({status}):\n{b.logs(tail=20).decode(errors='replace')}")
    finally:
        for b in bursts:
            b.remove(force=True)
    elapsed = time.monotonic() - start
    after = end_offsets(bootstrap, topics)
    total = sum(after[t] - before[t] for t in topics)
    rate = total / elapsed
    print(f"{total} messages in {elapsed:.1f} s: {rate:,.0f} messages/s (the stack's own generators included)")
    for t in topics:
        print(f"  {t:24} {after[t] - before[t]:8d}")


def _env(container) -> dict[str, str]:  # noqa: ANN001 (a docker-py Container)
    return dict(e.split("=", 1) for e in container.attrs["Config"]["Env"])


if __name__ == "__main__":
    main()
