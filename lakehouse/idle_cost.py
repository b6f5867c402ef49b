"""`make idle-cost`: how much of the machine's CPU a running stack takes at its configured event rates.

Over a window (default 60 s) it reads each of the stack's containers' CPU time (Docker's stats, the
container's cgroup) and the whole machine's busy time (/proc/stat: the containers plus dockerd,
containerd and the health-check processes they start), and prints both as a share of all cores.
Run it with nothing else busy on the machine: the machine figure counts everything.
"""

from __future__ import annotations

import argparse
import os
import time

import docker

from providers.docker.client import LABEL_STACK, client


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _cpu_ns(container: docker.models.containers.Container) -> int:
    stats = container.stats(stream=False, one_shot=True)
    return int(stats["cpu_stats"]["cpu_usage"]["total_usage"])


def measure(stack: str, seconds: float) -> tuple[dict[str, float], float]:
    """Per container name, and for the whole machine, the share of all cores used (0..1) over `seconds`."""
    containers = client().containers.list(filters={"label": f"{LABEL_STACK}={stack}"})
    if not containers:
        raise SystemExit(f"no running container carries {LABEL_STACK}={stack}: is the stack up?")
    cores = os.cpu_count() or 1
    before = {c.name: _cpu_ns(c) for c in containers}
    busy0, total0 = _busy_jiffies()
    start = time.monotonic()
    time.sleep(seconds)
    after = {c.name: _cpu_ns(c) for c in containers}
    busy1, total1 = _busy_jiffies()
    elapsed_ns = (time.monotonic() - start) * 1e9
    shares = {name: (after[name] - before[name]) / (elapsed_ns * cores) for name in before if name in after}
    return shares, (busy1 - busy0) / max(total1 - total0, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    shares, machine = measure(args.stack, args.seconds)
    cores = os.cpu_count() or 1
    print(f"CPU over {args.seconds:.0f} s, as a share of all {cores} cores:")
    for name, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<45} {share:6.1%}")
    print(f"  {'containers of stack ' + args.stack:<45} {sum(shares.values()):6.1%}")
    print(f"  {'whole machine (everything running)':<45} {machine:6.1%}")


if __name__ == "__main__":
    main()
