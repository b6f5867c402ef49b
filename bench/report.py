"""bench/results.md and bench/results.png from one run's figures."""

from __future__ import annotations

import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

HERE = Path(__file__).parent
MARKDOWN = HERE / "results.md"
PLOT = HERE / "results.png"


def median_spread(values: list[float]) -> str:
    """`median (min-max, n runs)`, figures rounded for reading."""
    if not values:
        return "not measured"
    if len(values) == 1:
        return f"{values[0]:,.0f} (1 run)"
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f}, {len(values)} runs)"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory_gib:.0f} GiB, {platform.system()} {platform.release()}"


def write(figures: dict[str, Any], versions: dict[str, str]) -> None:
    """`figures`: what `bench.__main__` measured (keys: throughput, freshness, strict_input, memory_idle,
    lifecycle)."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}. Each section says "
        "when it was measured (a run may skip phases).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "Each figure is the median of its runs, with the lowest and highest in brackets.",
        "",
    ]
    at = figures.get("measured_at", {})
    if t := figures.get("throughput"):
        r = t["rates"]
        ours, peer, limit = (statistics.median(r[k]) for k in ("ours", "peer", "limit"))
        lines += [
            "## Throughput",
            "",
            f"Measured {at.get('throughput', '?')}.",
            "",
            f"{t['records']:,} charges pre-produced to a topic of {t['partitions']} partition(s), one in twenty a "
            "golden invalid case. The limit and ours read all of them from the earliest offset; the peer reads "
            f"the {t['peer_records']:,} of them that are JSON objects (it stops on the others), from a topic of "
            f"their own. Parallelism {t['parallelism']} (the peer: as many tasks), commits every "
            f"{t['checkpoint_interval_s']:g} s.",
            "",
            "| | records/s |",
            "| --- | --- |",
            f"| limit: Kafka's ConsumerPerformance, fetch rate, no parsing | {median_spread(r['limit'])} |",
            f"| peer: Iceberg Kafka Connect sink, start to last row committed | {median_spread(r['peer'])} |",
            f"| ours: the validation job, start to last row committed | {median_spread(r['ours'])} |",
            *(
                [f"| ours at parallelism {t['extra_parallelism']} | {median_spread(r['ours_extra'])} |"]
                if r.get("ours_extra")
                else []
            ),
            "",
            f"**ours/peer = {ours / peer:.2f}**, **ours/limit = {ours / limit:.3f}** (ratios of the medians).",
            *(
                [
                    f"Ours at parallelism {t['extra_parallelism']}, against the same runs of the peer "
                    f"({t['parallelism']} task(s)): **ours/peer = {extra / peer:.2f}**, "
                    f"**ours/limit = {extra / limit:.3f}**."
                ]
                if (extra := statistics.median(r["ours_extra"]) if r.get("ours_extra") else None)
                else []
            ),
            "",
        ]
        if prof := t.get("profile"):
            lines += [
                "Where ours spends its time (one more run, its operator thread sampled through Flink's thread "
                "dumps every 0.5 s; see bench/profile.py):",
                "",
                "| | share of samples |",
                "| --- | --- |",
                *(f"| {category} | {share:.0%} |" for category, share in prof.items()),
                "",
            ]
    if f := figures.get("freshness"):
        lines += [
            "## Freshness",
            "",
            f"Measured {at.get('freshness', '?')}.",
            "",
            "Seconds from a record's produce timestamp to its row visible through the catalog (the watcher polls "
            "every 0.25 s, so figures are late by up to that, never early).",
            "",
            "| checkpoint interval | rate | events | p50 | p95 | max |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for run in f:
            lat = run["latencies_s"] or [float("nan")]
            lines.append(
                f"| {run['checkpoint_interval_s']:g} s | {run['rate_multiplier']}x the generators' "
                f"({run['events_per_s']:.1f}/s) | {len(run['latencies_s'])} "
                f"| {percentile(lat, 50):.1f} | {percentile(lat, 95):.1f} "
                f"| {max(lat):.1f} |"
            )
        lines.append("")
    if judged := figures.get("strict_input"):
        lines += [
            "## The worst input",
            "",
            f"Measured {at.get('strict_input', '?')}.",
            "",
            "Each worst-case payload judged by the job's functions (on the JVM of the stack's Flink image, the "
            "fastest of its runs), against an ordinary event of its type. A ratio near the payloads' size ratio "
            "is linear cost; a quadratic check would be millions of times slower.",
            "",
            "| family | type | bytes | ms | ordinary ms | ratio |",
            "| --- | --- | --- | --- | --- | --- |",
            *(
                f"| {j['family']} | {j['event_name']} | {j['payload_bytes']:,} | {j['worst_ms']:.1f} "
                f"| {j['ordinary_ms']:.4f} | {j['worst_ms'] / j['ordinary_ms']:,.0f} |"
                for j in judged
            ),
            "",
        ]
    if edge := figures.get("webhooks"):
        rounds = edge["rounds"]
        lines += [
            "## The webhook edge",
            "",
            f"Measured {at.get('webhooks', '?')}; the stack's receiver runs {edge['workers']} worker process(es).",
            "",
            "Signed webhooks per second a receiver of the stack's image accepted and Kafka acknowledged (vegeta in "
            "a container on the stack's network, as many requests in flight as it takes, the four providers in "
            "turn), beside Kafka's own producer benchmark from one client at the same record size (`acks=all`, "
            "idempotent): the limit. Cores busy during the highest rate: the receiver's container, Kafka's and "
            "the whole machine (the rest is vegeta and the stack's own load). Latency at a fixed rate of half "
            "the highest.",
            "",
            "| round | workers | accepted/s | 2xx | receiver cores | Kafka cores | machine cores | p50 ms | p99 ms "
            "| at rate/s | Kafka producer/s | its p99 ms | edge/limit |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *(
                f"| {n} | {r['workers']} | {r['accepted_per_s']:,.0f} | {r['success']:.1%} | {r['receiver_cores']:.2f} "
                f"| {r['kafka_cores']:.2f} | {r['machine_cores']:.2f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['fixed_rate']:,} | {r['kafka_per_s']:,.0f} | {r['kafka_p99_ms']:.0f} "
                f"| {r['accepted_per_s'] / r['kafka_per_s']:.3f} |"
                for n, r in enumerate(rounds, 1)
            ),
            "",
        ]
        for workers in sorted({r["workers"] for r in rounds}):
            mine = [r for r in rounds if r["workers"] == workers]
            lines.append(
                f"- {workers} worker(s): {median_spread([r['accepted_per_s'] for r in mine])} webhooks/s, p99 "
                f"{statistics.median(r['p99_ms'] for r in mine):.1f} ms at half that rate, edge/limit "
                f"{statistics.median(r['accepted_per_s'] / r['kafka_per_s'] for r in mine):.3f} "
                f"(mean body {mine[0]['mean_body_bytes']:,} bytes)."
            )
        lines.append("")
    if (idle := figures.get("memory_idle")) is not None:
        peak = figures.get("throughput", {}).get("memory_peak_mib", {})
        lines += [
            "## Memory",
            "",
            f"At rest measured {at.get('memory_idle', '?')}; at the ceiling, during the throughput runs.",
            "",
            "Resident MiB per container (`docker stats`: usage less inactive page cache), idle at the generators' "
            "rates and the peak sampled every 2 s while the validation job ran at its ceiling.",
            "",
            "| container | idle | at the ceiling |",
            "| --- | --- | --- |",
        ]
        for name in sorted(idle):
            lines.append(f"| {name} | {idle[name]:,.0f} | {peak.get(name, float('nan')):,.0f} |")
        lines += [
            f"| **core stack (all but Trino)** | {figures['core_idle_mib']:,.0f} | "
            f"{figures.get('throughput', {}).get('core_memory_peak_mib', float('nan')):,.0f} |",
            "",
        ]
    if life := figures.get("lifecycle"):
        lines += [
            "## Time to a running pipeline",
            "",
            f"Measured {at.get('lifecycle', '?')} on the stack the benchmark ran on, its images already built.",
            "",
            "| step | seconds |",
            "| --- | --- |",
        ]
        lines += [f"| {step} | {median_spread(values)} |" for step, values in life.items()]
        lines.append("")
    MARKDOWN.write_text("\n".join(lines))
    _plot(figures)


def _plot(figures: dict[str, Any]) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    if t := figures.get("throughput"):
        names = [n for n in ("limit", "peer", "ours", "ours_extra") if t["rates"].get(n)]
        labels = [f"ours, p{t['extra_parallelism']}" if n == "ours_extra" else n for n in names]
        medians = [statistics.median(t["rates"][n]) for n in names]
        left.bar(labels, medians, color=["#999999", "#4c78a8", "#f58518", "#e45756"][: len(names)])
        for i, n in enumerate(names):
            left.scatter([i] * len(t["rates"][n]), t["rates"][n], color="black", s=10, zorder=3)
        left.set_yscale("log")
        # Bars on a log scale start where the axis does: a decade below the lowest, so heights compare.
        left.set_ylim(bottom=min(medians) / 10)
        left.set_ylabel("records/s (log scale)")
        left.set_title("Throughput: bars are medians, dots runs")
    if f := figures.get("freshness"):
        right.boxplot(
            [run["latencies_s"] for run in f],
            tick_labels=[f"{r['checkpoint_interval_s']:g}s, {r['rate_multiplier']}x" for r in f],
            whis=(5, 95),
        )
        right.set_ylabel("seconds, produce to visible")
        right.set_title("Freshness by checkpoint interval and rate (whiskers p5-p95)")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=100)
