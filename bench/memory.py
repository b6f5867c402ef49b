"""Resident memory of the stack's containers, as `docker stats` counts it (usage less inactive page cache)."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from docker.models.containers import Container

from bench.stack import BenchStack

MIB = 1024 * 1024
# The core stack the memory target is about; Trino serves queries and is reported on its own line.
NOT_CORE = ("trino",)


def _resident_mib(container: Container) -> float:
    stats = container.stats(stream=False)
    memory = stats.get("memory_stats", {})
    inner = memory.get("stats", {})
    # cgroup v1 names it total_inactive_file, v2 inactive_file: page cache the kernel may drop at will.
    cache = inner.get("total_inactive_file", inner.get("inactive_file", 0))
    return (memory.get("usage", 0) - cache) / MIB


def snapshot(stack: BenchStack) -> dict[str, float]:
    """Resident MiB per container of the stack, by service name (the container name without the prefix)."""
    containers = stack.containers()
    with ThreadPoolExecutor(max_workers=len(containers) or 1) as pool:  # each stats call waits ~1 s
        sizes = list(pool.map(_resident_mib, containers))
    prefix = stack.container("kafka").name.removesuffix("kafka")
    return {c.name.removeprefix(prefix): size for c, size in zip(containers, sizes, strict=True)}


def core_total(sizes: dict[str, float]) -> float:
    return sum(size for name, size in sizes.items() if not name.startswith(NOT_CORE))


class PeakSampler:
    """Samples `snapshot` every `interval_s` in a thread while in a `with` block; keeps each container's
    peak and the peak of the core total."""

    def __init__(self, stack: BenchStack, interval_s: float = 2.0) -> None:
        self.stack = stack
        self.interval_s = interval_s
        self.peaks: dict[str, float] = defaultdict(float)
        self.core_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            sizes = snapshot(self.stack)
            for name, size in sizes.items():
                self.peaks[name] = max(self.peaks[name], size)
            self.core_peak = max(self.core_peak, core_total(sizes))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
