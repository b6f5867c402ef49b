"""The cost of the worst input: each worst-case payload (`payments.cases.worst_cases`, about 1 MiB) judged by
the job's functions, timed against an ordinary event of the same type, as a ratio.

The functions run on the JVM of the stack's own Flink image (its `lib/`, the jar the job uses), in a
container of their own with no network: `streaming.lakehouse.flink.Timing` judges each payload as
validate.sql does, many times, and reports the fastest run. A ratio near the size ratio (about 2,000: a
worst case is some 2,000 times an ordinary payload's 500 bytes) means linear; a quadratic check would
show as a ratio in the millions (the blank run that once stalled the job took minutes).
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass

from bench.stack import BENCH_LABEL, BenchError, BenchStack
from flink_jobs.render import field_spec
from payments.cases import valid_event, worst_cases
from payments.events import event_type

ORDINARY_REPEATS = 20_000  # small payloads: enough for the JIT compiler to have done its work
WORST_REPEATS = 20
_PAYLOADS = "/tmp/strict-input-payloads"


@dataclass
class Judged:
    family: str
    event_name: str
    payload_bytes: int
    worst_ms: float  # the fastest of WORST_REPEATS runs
    ordinary_ms: float  # the same type's ordinary event, the fastest of ORDINARY_REPEATS runs

    @property
    def ratio(self) -> float:
        return self.worst_ms / self.ordinary_ms


def _tar(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _timed_ns(stack: BenchStack, runs: list[tuple[int, str, str]]) -> list[int]:
    """Fastest nanoseconds per (repeats, field spec, payload), each judged `repeats` times in turn by one
    JVM in a container of the stack's Flink image."""
    image = stack.container("flink-jobmanager").image
    data = "\0".join(str(item) for run in runs for item in run).encode()
    container = stack.docker.containers.create(
        image,
        entrypoint=["java", "-cp", "/opt/flink/lib/*", "streaming.lakehouse.flink.Timing", _PAYLOADS],
        network_disabled=True,
        labels={BENCH_LABEL: stack.run},
    )
    try:
        container.put_archive("/tmp", _tar(_PAYLOADS.rsplit("/", 1)[1], data))
        container.start()
        status = container.wait(timeout=600)
        output = container.logs(stdout=True, stderr=True).decode()
        if status["StatusCode"] != 0:
            raise BenchError(f"the functions' timing failed ({status['StatusCode']}): {output[-2000:]}")
        return [int(line) for line in container.logs(stdout=True, stderr=False).decode().split()]
    finally:
        container.remove(force=True)


def measure(stack: BenchStack) -> list[Judged]:
    """Each worst case against an ordinary payload of its type."""
    worst = worst_cases(f"bench-{stack.run}")
    names = sorted({w.event_name for w in worst})
    specs = {name: ",".join(field_spec(f) for f in event_type(name).fields) for name in names}
    # The ordinary ones first, so the compiler has seen the code before anything is compared.
    runs = [(ORDINARY_REPEATS, specs[n], valid_event(n, f"bench-{stack.run}-ordinary")) for n in names]
    runs += [(WORST_REPEATS, specs[w.event_name], w.payload) for w in worst]
    times = _timed_ns(stack, runs)
    ordinary = dict(zip(names, times, strict=False))
    return [
        Judged(w.family, w.event_name, len(w.payload.encode()), ns / 1e6, ordinary[w.event_name] / 1e6)
        for w, ns in zip(worst, times[len(names) :], strict=True)
    ]
