"""Where the validation job's time goes: its task threads sampled through Flink's thread-dump REST API.

Every `interval_s`, the TaskManager's threads are dumped (`GET /taskmanagers/<id>/thread-dump`); each
sample of a thread that runs the job's operator chain is put in the first category, in the order of
`CATEGORIES`, one of whose markers appears in its stack. Samples are few (a dump costs a safepoint), so
shares under 5 % mean little.
"""

from __future__ import annotations

import threading
from collections import Counter

from providers.flink.rest import FlinkRest

# (category, markers in a stack frame), most specific first.
CATEGORIES = (
    ("waiting for input (idle)", ("Unsafe.park", "EPoll.wait", "Object.wait", "Net.poll")),
    ("checkpoint and commit", ("IcebergFilesCommitter", "snapshotState", "completeUploads", "Tasks.waitFor")),
    ("parse (JSON_FIELD_TEXTS)", ("streaming.lakehouse.flink.Json", "jackson")),
    ("timestamps (TIMESTAMP_TEXT_VALUE, casts)", ("TimestampTextValue", "java.time", "DateTimeUtils", "TimestampData")),
    ("amount rules (DECIMAL_TEXT)", ("streaming.lakehouse.flink.",)),
    ("regular expressions", ("java.util.regex",)),
    ("Parquet and S3 writing", ("parquet", "iceberg", "s3", "aws")),
    ("Kafka source", ("kafka",)),
    ("string conversion", ("StringData", "StringUtf8Utils", "BinarySegmentUtils", "Converter")),
    ("rest of the generated projections", ("StreamExecCalc",)),
)
OTHER = "other"


def categorize(frames: list[str]) -> str:
    for category, markers in CATEGORIES:
        if any(marker in frame for frame in frames for marker in markers):
            return category
    return OTHER


class Sampler:
    """Samples the task threads whose name contains `job_marker` (e.g. a source's name) in a thread."""

    def __init__(self, rest_url: str, job_marker: str, interval_s: float = 0.5) -> None:
        self.rest = FlinkRest(rest_url, "Flink JobManager")
        self.job_marker = job_marker
        self.interval_s = interval_s
        self.counts: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        managers = [tm["id"] for tm in self.rest.json("GET", "/taskmanagers")["taskmanagers"]]
        while not self._stop.is_set():
            for tm in managers:
                for info in self.rest.json("GET", f"/taskmanagers/{tm}/thread-dump")["threadInfos"]:
                    name = info["threadName"]
                    # The operator chain's own thread: "Source: raw_... -> Calc ... (1/1)#0".
                    if name.startswith("Source: ") and self.job_marker in name:
                        text = info["stringifiedThreadInfo"]
                        # Only the top frames say what the thread does at that moment.
                        top = [line.strip() for line in text.splitlines() if line.strip().startswith("at ")][:8]
                        self.counts[categorize(top)] += 1
            self._stop.wait(self.interval_s)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def shares(self) -> dict[str, float]:
        total = sum(self.counts.values()) or 1
        return {category: count / total for category, count in self.counts.most_common()}
