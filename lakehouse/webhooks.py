"""`make webhooks-accounting`: every webhook the provider-native generators sent, against what the receiver
wrote to Kafka, per provider.

The generators keep a ledger of every HTTP attempt (webhooks/generators); the receiver writes each accepted
request to its provider's topic and each refused one to the rejected topic. Balanced means, per provider:
the provider event identities of the attempts answered 2xx are the identities on the provider's topic, each
as many times (one record per accepted delivery, nothing lost, nothing doubled), and the attempts refused
(401) are as many as the provider's records on the rejected topic.

The generators are stopped while counting (an attempt in flight would be on a topic but not yet in the
ledger) and started again after.
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from confluent_kafka import Consumer, TopicPartition

from lakehouse.outputs import stack_outputs
from payments.webhooks import (
    HEADER_PROVIDER,
    HEADER_SIGNATURE,
    PROVIDERS,
    REJECTED_TOPIC,
    WEBHOOK_TOPICS,
    event_identities,
)
from providers.docker.client import client
from webhooks.settings import LEDGER_PATH


@dataclass(frozen=True)
class Record:
    """One record of a webhook topic: its body and headers (text)."""

    body: bytes
    headers: dict[str, str]


@dataclass
class ProviderAccount:
    """One provider's side-by-side counts. Identities count deliveries: a redelivered event counts twice."""

    provider: str
    attempts: int = 0
    accepted: Counter[str] = field(default_factory=Counter)  # identities of the attempts answered 2xx
    refused: int = 0  # attempts answered 401
    unavailable: int = 0  # attempts answered 5xx or not at all (the generators retry them)
    on_topic: Counter[str] = field(default_factory=Counter)  # identities on the provider's topic
    on_rejected: int = 0  # the provider's records on the rejected topic
    attempted: set[str] = field(default_factory=set)  # identities of every attempt, whatever its answer
    foreign: int = 0  # records of events the generators never sent (a hand-made request, a ledger lost)

    @property
    def missing(self) -> Counter[str]:
        """Accepted deliveries not on the topic: lost."""
        return self.accepted - self.on_topic

    @property
    def extra(self) -> Counter[str]:
        """Records on the topic no 2xx answered: doubled, or written although the answer was an error."""
        return self.on_topic - self.accepted

    @property
    def balanced(self) -> bool:
        return not self.missing and not self.extra and self.refused == self.on_rejected


def ledger_lines(container_name: str) -> list[dict]:
    """Every ledger line the generators' container holds (its rotated files included), oldest first.
    Raises docker.errors.NotFound when the container does not exist."""
    stream, _ = client().containers.get(container_name).get_archive(str(LEDGER_PATH.parent))
    lines: list[dict] = []
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as archive:
        files = sorted(
            (m for m in archive.getmembers() if m.isfile() and LEDGER_PATH.name in m.name),
            key=lambda m: m.name,
            reverse=True,  # ledger.jsonl.2 is older than ledger.jsonl.1, which is older than ledger.jsonl
        )
        for member in files:
            handle = archive.extractfile(member)
            assert handle is not None  # a regular file
            text = handle.read().decode()
            # A running generator may be mid-line: only whole lines count.
            lines.extend(json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines() if line.strip())
    return lines


def topic_records(bootstrap: str, topic: str, client_config: dict[str, str] | None = None) -> Iterator[Record]:
    """Every record `topic` holds, up to its end offsets when asked. `client_config`: the cluster's librdkafka
    security settings (output `kafka_client_config`)."""
    consumer = Consumer(
        {
            **(client_config or {}),
            "bootstrap.servers": bootstrap,
            "group.id": "webhooks-accounting",
            "enable.auto.commit": False,
        }
    )
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        starts, ends = {}, {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            if high > low:
                starts[p], ends[p] = low, high  # from the oldest record retention kept
        consumer.assign([TopicPartition(topic, p, starts[p]) for p in ends])
        while ends:
            message = consumer.poll(10)
            if message is None:
                raise TimeoutError(f"{topic}: no record within 10 s, {len(ends)} partitions not read to their end")
            if message.error() or message.partition() not in ends:
                continue
            headers = {k: (v or b"").decode() for k, v in message.headers() or []}
            yield Record(message.value() or b"", headers)
            if message.offset() + 1 >= ends[message.partition()]:
                del ends[message.partition()]
    finally:
        consumer.close()


def _identities(provider: str, body: bytes) -> tuple[str, ...]:
    """The body's provider event identities; none when it is not the provider's (a refused, unreadable body)."""
    try:
        return event_identities(provider, body)
    except ValueError:
        return ()


def account(lines: Iterable[dict], records: dict[str, list[Record]]) -> dict[str, ProviderAccount]:
    """Per provider, the ledger's attempts against the topics' records (`records` by topic name, unprefixed).
    A record of events the generators never attempted (before the ledger began, or sent by someone else)
    counts as not generated; refused requests count by the provider in the rejected topic's header."""
    accounts = {p.name: ProviderAccount(p.name) for p in PROVIDERS}
    for line in lines:
        a = accounts[line["provider"]]
        a.attempts += 1
        a.attempted.update(line["identities"])
        status = line["status"]
        if status is not None and 200 <= status < 300:
            a.accepted.update(line["identities"])
        elif status == 401:
            a.refused += 1
        else:
            a.unavailable += 1
    for p in PROVIDERS:
        a = accounts[p.name]
        for r in records.get(p.topic, []):
            identities = event_identities(p.name, r.body)
            if a.attempted.isdisjoint(identities):
                a.foreign += 1
            else:
                a.on_topic.update(identities)
    for r in records.get(REJECTED_TOPIC, []):
        a = accounts[r.headers[HEADER_PROVIDER]]
        if a.attempted.isdisjoint(_identities(a.provider, r.body)):
            a.foreign += 1
        else:
            a.on_rejected += 1
    return accounts


def read_topics(outputs: dict) -> dict[str, list[Record]]:
    """Every record of the providers' topics and the rejected topic of the stack whose `outputs` are given,
    by unprefixed topic name (the stack's names may carry `kafka.topicPrefix`)."""
    declared: list[str] = outputs["kafka_topics"]
    out = {}
    for name in WEBHOOK_TOPICS:
        [topic] = [t for t in declared if t.endswith(name)]
        out[name] = list(topic_records(outputs["kafka_bootstrap_servers"], topic, outputs.get("kafka_client_config")))
    return out


def report(accounts: dict[str, ProviderAccount]) -> str:
    """A Markdown table of the accounts, one row per provider: requests (HTTP attempts), then provider events
    (an Adyen batch carries several; a redelivered event counts again), then refused requests."""
    names = ["provider", "requests", "events 2xx", "events on topic", "lost", "doubled", "401"]
    names += ["on rejected", "5xx or no answer", "not generated", "balanced"]
    rows = ["| " + " | ".join(names) + " |", "| --- |" + " ---: |" * (len(names) - 2) + " --- |"]
    for a in accounts.values():
        rows.append(
            f"| {a.provider} | {a.attempts} | {a.accepted.total()} | {a.on_topic.total()} | {a.missing.total()}"
            f" | {a.extra.total()} | {a.refused} | {a.on_rejected} | {a.unavailable} | {a.foreign}"
            f" | {'yes' if a.balanced else 'NO'} |"
        )
    return "\n".join(rows)


def rejection_reasons(records: list[Record]) -> Counter[str]:
    """The rejected topic's records by (provider, reason)."""
    return Counter(f"{r.headers[HEADER_PROVIDER]} {r.headers[HEADER_SIGNATURE]}" for r in records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()
    outputs = stack_outputs(args.stack)
    generators = client().containers.get(outputs["webhook_generators_container"])
    generators.stop(timeout=30)  # in-flight attempts finish and reach the ledger
    try:
        records = read_topics(outputs)
        accounts = account(ledger_lines(generators.name), records)
    finally:
        generators.start()
    print(report(accounts))
    reasons = rejection_reasons(records[REJECTED_TOPIC])
    print(
        "\nrejected, by provider and reason: " + (", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none")
    )
    if not all(a.balanced for a in accounts.values()):
        raise SystemExit("not balanced: see the lost and doubled columns")


if __name__ == "__main__":
    main()
