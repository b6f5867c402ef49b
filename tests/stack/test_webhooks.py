"""The webhook edge on the shared stack: the provider-native generators post signed webhooks to the receiver,
which writes each accepted request to its provider's topic and each refused one to the rejected topic.

Counted by provider event identity on both sides (lakehouse/webhooks.py): every delivery answered 2xx is on
its provider's topic exactly once, every refused one is on the rejected topic with the true reason, and with
Kafka stopped the receiver answers 503, the generators retry, and nothing is lost or doubled after.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

import pytest

from lakehouse.webhooks import account, ledger_lines, read_topics
from payments.webhooks import (
    HEADER_PROVIDER,
    HEADER_SIGNATURE,
    PROVIDERS,
    REJECTED_TOPIC,
    SIGNATURE_MISMATCH,
    SIGNATURE_STALE,
    delivery_problems,
    event_identities,
)
from providers.docker.client import client

pytestmark = [pytest.mark.docker, pytest.mark.stack]

POSTING_S = 60  # generators' traffic before counting, at the shared stack's rates
PROBLEMS_WITHIN_S = 300
# The reason each way the generators sign wrongly must be refused with.
REASON = {"bad": SIGNATURE_MISMATCH, "stale": SIGNATURE_STALE}


@pytest.fixture(scope="module")
def outputs(shared_stack) -> dict:
    return {k: v.value for k, v in shared_stack[1].outputs.items()}


@pytest.fixture(scope="module")
def generators(outputs):
    """The generators' container, once it has posted for POSTING_S and its ledger shows every delivery problem
    of every provider (a redelivery comes up to a minute after its first 2xx), within PROBLEMS_WITHIN_S."""
    container = client().containers.get(outputs["webhook_generators_container"])
    started = datetime.fromisoformat(container.attrs["State"]["StartedAt"]).timestamp()
    time.sleep(max(0.0, started + POSTING_S - time.time()))
    deadline = time.monotonic() + PROBLEMS_WITHIN_S
    while missing := _problems_not_injected(ledger_lines(container.name)):
        assert time.monotonic() < deadline, f"never injected within {PROBLEMS_WITHIN_S} s: {missing}"
        time.sleep(10)
    return container


def _problems_not_injected(lines: list[dict]) -> dict[str, set[str]]:
    """Per provider, the delivery problems its generator can inject that no ledger line shows."""
    out = {}
    for p in PROVIDERS:
        seen = {problem for line in lines if line["provider"] == p.name for problem in line["problems"]}
        if missing := {d.name for d in delivery_problems(p.name)} - seen:
            out[p.name] = missing
    return out


def _counted(generators, outputs: dict) -> tuple[list[dict], dict]:
    """The ledger and the topics, read with the generators stopped (nothing in flight), then started again."""
    generators.stop(timeout=30)
    try:
        return ledger_lines(generators.name), read_topics(outputs)
    finally:
        generators.start()


def test_every_accepted_webhook_is_on_its_topic_once_and_every_refused_one_is_rejected_with_its_reason(
    generators, outputs
):
    lines, records = _counted(generators, outputs)
    accounts = account(lines, records)
    for p in PROVIDERS:
        a = accounts[p.name]
        assert a.accepted.total() > 0, f"{p.name}: no webhook accepted in {POSTING_S} s"
        assert not a.missing, f"{p.name}: accepted but not on {p.topic}: {dict(a.missing)}"
        assert not a.extra, f"{p.name}: on {p.topic} more often than accepted: {dict(a.extra)}"
    # Refused: the same requests, each with the reason its signature deserves, and only those.
    refused = Counter(
        (line["provider"], tuple(line["identities"]), REASON.get(line["signature"], line["signature"]))
        for line in lines
        if line["status"] == 401
    )
    rejected = Counter(
        (r.headers[HEADER_PROVIDER], event_identities(r.headers[HEADER_PROVIDER], r.body), r.headers[HEADER_SIGNATURE])
        for r in records[REJECTED_TOPIC]
    )
    assert rejected == refused
    # Every delivery problem each provider's generator injects was injected, so the counts above cover them.
    assert not _problems_not_injected(lines)


@pytest.mark.faults
@pytest.mark.representative
def test_with_kafka_stopped_the_receiver_answers_503_and_every_webhook_lands_once_after(
    shared_stack, generators, outputs
):
    kafka = client().containers.get(f"{shared_stack[0].prefix}-kafka")
    stopped_at = time.time()
    kafka.stop(timeout=30)
    try:
        time.sleep(30)
    finally:
        kafka.start()
    _await_retries_drained(generators, since=stopped_at, within_s=240)
    lines, records = _counted(generators, outputs)
    during = [line for line in lines if line["status"] == 503]
    assert during, "the receiver never answered 503 while Kafka was stopped"
    retried = {line["delivery_id"] for line in during}
    # Landed: accepted (2xx), or, for a badly signed one, refused (401) once its refusal could be recorded.
    landed = {line["delivery_id"] for line in lines if line["status"] and 200 <= line["status"] < 300}
    landed |= {line["delivery_id"] for line in lines if line["status"] == 401}
    assert retried <= landed, f"{len(retried - landed)} deliveries answered 503 never landed"
    for p, a in account(lines, records).items():
        assert not a.missing, f"{p}: accepted but lost: {dict(a.missing)}"
        assert not a.extra, f"{p}: doubled: {dict(a.extra)}"
        assert a.refused == a.on_rejected, f"{p}: {a.refused} refused, {a.on_rejected} on the rejected topic"


def _await_retries_drained(generators, since: float, within_s: float) -> None:
    """Until every delivery that got no 2xx since `since` got one (or a 401) on a later attempt."""
    deadline = time.monotonic() + within_s
    while True:
        lines = ledger_lines(generators.name)
        recent = [line for line in lines if datetime.fromisoformat(line["sent_at"]).timestamp() >= since]
        final: dict[str, int | None] = {}
        for line in recent:  # oldest first: the last attempt of each delivery wins
            final[line["delivery_id"]] = line["status"]
        pending = [d for d, status in final.items() if status is None or status >= 500]
        if recent and not pending:
            return
        assert time.monotonic() < deadline, f"{len(pending)} deliveries still unanswered after {within_s} s"
        time.sleep(5)
