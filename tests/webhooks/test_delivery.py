"""Delivering to a receiver (an httpx.MockTransport): retries until an answer that is neither 5xx nor 429,
each attempt re-signed and recorded in the ledger; 401 is final; redeliveries; new events wait when too
many deliveries do; the per-minute summary."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from tenacity import wait_none

from payments.webhooks import event_identities
from tests.webhooks.support import ADYEN_KEY, STRIPE_SECRET, SteadyClock, make_generator
from webhooks.generators.core import ProviderGenerator, Request
from webhooks.generators.delivery import Deliverer, Ledger

Answer = int | None  # an HTTP status, or None: no answer (the connection fails)


def answering(answers: list[Answer], seen: list[httpx.Request]) -> httpx.MockTransport:
    """A receiver that gives `answers` in turn and keeps the requests it got."""
    remaining = iter(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = next(remaining)
        if status is None:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(status)

    return httpx.MockTransport(handle)


def deliver(
    generator: ProviderGenerator,
    answers: list[Answer],
    ledger_path: Path,
    prepare: Callable[[Request], Request] = lambda r: r,
) -> tuple[Answer, list[httpx.Request], list[dict], Deliverer]:
    """Delivers the generator's next request (after `prepare`) to a receiver giving `answers`: the final
    status, the HTTP requests the receiver got, the ledger's lines and the deliverer."""
    seen: list[httpx.Request] = []

    async def go() -> tuple[Answer, Deliverer]:
        ledger = Ledger(ledger_path)
        async with httpx.AsyncClient(transport=answering(answers, seen), base_url="http://receiver:8080") as client:
            deliverer = Deliverer(
                generator, client, ledger, asyncio.Event(), retry_wait=wait_none(), clock=SteadyClock(step=1.0)
            )
            status = await deliverer.deliver(prepare(generator.next_request()))
        ledger.close()
        return status, deliverer

    status, deliverer = asyncio.run(go())
    lines = [json.loads(line) for line in ledger_path.read_text().splitlines()]
    return status, seen, lines, deliverer


def test_two_503s_then_200_are_three_attempts_in_the_ledger_and_one_2xx(tmp_path):
    generator = make_generator("stripe")
    status, seen, lines, _ = deliver(generator, [503, 503, 200], tmp_path / "ledger.jsonl")
    assert status == 200
    assert [line["status"] for line in lines] == [503, 503, 200]
    assert [line["attempt"] for line in lines] == [1, 2, 3]
    assert len({line["delivery_id"] for line in lines}) == 1
    assert sum(200 <= line["status"] < 300 for line in lines) == 1
    # Every attempt: the same body, its identities in the ledger, signed anew (a new Stripe timestamp).
    assert {r.url.path for r in seen} == {"/webhooks/stripe"}
    assert len({r.content for r in seen}) == 1
    assert all(line["identities"] == list(event_identities("stripe", seen[0].content)) for line in lines)
    assert len({r.headers["Stripe-Signature"] for r in seen}) == 3
    for line in lines:
        assert line["provider"] == "stripe"
        assert line["signature"] == "valid"
        assert line["problems"] == []
        assert datetime.fromisoformat(line["sent_at"]).utcoffset().total_seconds() == 0


def test_a_401_is_final(tmp_path):
    generator = make_generator("adyen", {"BAD_SIGNATURE": 1.0})
    status, seen, lines, _ = deliver(generator, [401, 200], tmp_path / "ledger.jsonl")
    assert status == 401
    assert len(seen) == 1
    assert [(line["status"], line["signature"], line["problems"]) for line in lines] == [
        (401, "bad", ["BAD_SIGNATURE"])
    ]


def test_no_answer_and_429_are_retried(tmp_path):
    _, _, lines, _ = deliver(make_generator("checkout"), [None, 429, 500, 202], tmp_path / "ledger.jsonl")
    assert [line["status"] for line in lines] == [None, 429, 500, 202]


def test_an_acknowledged_delivery_is_redelivered_under_a_new_id_with_the_same_events(tmp_path):
    generator = make_generator("braintree", {"REDELIVERY": 1.0})
    status, seen, lines, _ = deliver(
        generator, [200, 503, 200], tmp_path / "ledger.jsonl", lambda r: replace(r, redeliver_after=0.01)
    )
    assert status == 200
    assert [(line["status"], line["attempt"]) for line in lines] == [(200, 1), (503, 1), (200, 2)]
    first, again = lines[0], lines[2]
    assert again["delivery_id"] != first["delivery_id"]
    assert again["identities"] == first["identities"]
    assert "REDELIVERY" not in first["problems"]
    assert "REDELIVERY" in again["problems"]
    assert seen[0].content == seen[2].content


def test_new_events_wait_while_too_many_deliveries_do(tmp_path):
    seen: list[httpx.Request] = []

    async def go() -> None:
        release = asyncio.Event()

        async def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            await release.wait()  # a receiver that has not answered yet
            return httpx.Response(200)

        stopping = asyncio.Event()
        ledger = Ledger(tmp_path / "ledger.jsonl")
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle), base_url="http://receiver") as client:
            deliverer = Deliverer(make_generator("checkout"), client, ledger, stopping, max_pending=3)
            running = asyncio.create_task(deliverer.run(rate_per_second=1000))
            await asyncio.sleep(0.3)
            assert len(seen) == 3  # not 300
            stopping.set()
            release.set()
            await running
        ledger.close()

    asyncio.run(go())
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == [200, 200, 200]


def test_run_keeps_to_its_rate_and_ends_on_stopping(tmp_path):
    async def go() -> tuple[int, float]:
        stopping = asyncio.Event()
        ledger = Ledger(tmp_path / "ledger.jsonl")
        transport = httpx.MockTransport(lambda request: httpx.Response(200))
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            deliverer = Deliverer(make_generator("stripe"), client, ledger, stopping)
            started = time.monotonic()
            running = asyncio.create_task(deliverer.run(rate_per_second=20))
            await asyncio.sleep(1.0)
            stopping.set()
            await running
            elapsed = time.monotonic() - started
        ledger.close()
        return deliverer.counts["sent"], elapsed

    sent, elapsed = asyncio.run(go())
    assert 5 <= sent <= 20 * elapsed + 2  # never faster than the rate (a loaded machine may be slower)
    assert elapsed < 3


def test_the_summary_counts_attempts_and_shows_no_secret(tmp_path, caplog):
    _, _, _, deliverer = deliver(make_generator("stripe"), [503, 503, 200], tmp_path / "ledger.jsonl")
    with caplog.at_level(logging.INFO, logger="webhooks.generators.delivery"):
        deliverer.log_summary()
        deliverer.log_summary()
    assert caplog.messages == [
        "stripe: 3 sent, 1 2xx, 0 401, 2 retried",
        "stripe: 0 sent, 0 2xx, 0 401, 0 retried",
    ]
    assert all(secret not in caplog.text for secret in (STRIPE_SECRET, ADYEN_KEY))


def test_the_ledger_rotates_and_keeps_a_few_files(tmp_path):
    generator = make_generator("adyen")
    ledger = Ledger(tmp_path / "ledger.jsonl", max_bytes=2000, backups=2)
    for _ in range(60):
        ledger.record(generator.next_request(), 1, 200, datetime.now().astimezone())
    ledger.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.jsonl", "ledger.jsonl.1", "ledger.jsonl.2"]
    for path in tmp_path.iterdir():
        for line in path.read_text().splitlines():
            assert set(json.loads(line)) == {
                "provider",
                "identities",
                "delivery_id",
                "attempt",
                "status",
                "problems",
                "signature",
                "sent_at",
            }


@pytest.mark.parametrize("provider", ["stripe", "adyen", "braintree", "checkout"])
def test_the_requests_posted_are_the_providers_content_type(provider, tmp_path):
    _, seen, _, _ = deliver(make_generator(provider), [200], tmp_path / "ledger.jsonl")
    expected = "application/x-www-form-urlencoded" if provider == "braintree" else "application/json"
    assert seen[0].headers["Content-Type"] == expected
    assert seen[0].url.path == f"/webhooks/{provider}"
