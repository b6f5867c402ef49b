"""The receiver's HTTP behaviour against a fake Kafka producer: what it answers, what it writes to which
topic, and what /health and /metrics say."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from payments.webhooks import (
    BODY_TOO_LARGE,
    MALFORMED_BODY,
    PROVIDERS,
    SIGNATURE_MISMATCH,
    SIGNATURE_MISSING,
    SIGNATURE_STALE,
    provider,
)
from tests.webhooks.signing import (
    STRIPE_EVENT,
    receiver_env,
    secrets_env,
    sign_braintree_payload,
    sign_stripe,
    signed,
)
from webhooks.kafka import ALL_BROKERS_DOWN, CONNECTED, FAILED, KafkaUnavailableError
from webhooks.receiver import create_app
from webhooks.settings import ReceiverSettings

NAMES = [p.name for p in PROVIDERS]
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@dataclass
class Record:
    topic: str
    value: bytes
    key: bytes
    headers: dict[str, str]


@dataclass
class FakeProducer:
    """Records what Kafka acknowledged; `failing`: nothing is acknowledged (KafkaUnavailableError)."""

    records: list[Record] = field(default_factory=list)
    failing: bool = False
    state: str = CONNECTED
    started: bool = False
    closed: bool = False

    async def start(self) -> None:
        self.started = True

    async def produce(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> None:
        if self.failing:
            raise KafkaUnavailableError("Local: Message timed out")
        self.records.append(Record(topic, value, key, {k: v.decode() for k, v in headers}))

    async def close(self) -> None:
        self.closed = True

    def on(self, topic: str) -> list[Record]:
        return [r for r in self.records if r.topic == topic]


@pytest.fixture
def env():
    return receiver_env(WEBHOOK_TOPIC_PREFIX="dev.", WEBHOOK_MAX_BODY_BYTES="4096")


@pytest.fixture
def kafka():
    return FakeProducer()


@asynccontextmanager
async def serving(env, kafka) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the receiver app, run with its lifespan (which starts and closes `kafka`)."""
    app = create_app(ReceiverSettings.from_env(env), kafka)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://r") as c:
        yield c


@pytest.fixture
async def client(env, kafka):
    async with serving(env, kafka) as c:
        yield c


async def _post(client, name, request):
    return await client.post(f"/webhooks/{name}", content=request.body, headers=request.headers)


@pytest.mark.parametrize("name", NAMES)
async def test_an_authentic_webhook_is_on_its_topic_unchanged_before_the_provider_gets_its_ack(
    client, kafka, env, name
):
    request = signed(name, env)
    before = datetime.now(UTC)
    response = await _post(client, name, request)
    assert response.status_code == 200
    assert response.content == provider(name).acknowledgement  # Adyen: [accepted]; the others: empty
    [record] = kafka.records
    assert record.topic == f"dev.webhooks_{name}"
    assert record.value == request.body  # byte for byte
    assert record.headers["provider"] == name
    assert record.headers["signature"] == "valid"
    assert record.headers["content_type"] == request.headers["Content-Type"]
    assert record.headers["receipt_id"] == record.key.decode()
    received = datetime.fromisoformat(record.headers["received_at"])
    assert before - timedelta(seconds=1) <= received <= datetime.now(UTC)


async def test_the_answer_waits_for_kafkas_acknowledgement(env, kafka):
    released = asyncio.Event()
    acknowledge = kafka.produce

    async def held(*args: object) -> None:
        await released.wait()
        await acknowledge(*args)

    kafka.produce = held
    async with serving(env, kafka) as c:
        answer = asyncio.create_task(_post(c, "stripe", signed("stripe", env)))
        await asyncio.sleep(0.2)
        assert not answer.done()  # no 2xx while the record is not acknowledged
        released.set()
        assert (await answer).status_code == 200
    assert len(kafka.records) == 1


async def test_an_authentic_body_the_sdk_cannot_read_is_refused_as_malformed_and_recorded(client, kafka, env):
    # Signed with the stack's keys, but Braintree's SDK fails on the amount while building its objects.
    xml = (
        b'<notification><timestamp type="datetime">2026-01-01T00:00:00Z</timestamp>'
        b"<kind>transaction_settled</kind><subject><transaction><id>abc123</id>"
        b"<amount>not-a-number</amount></transaction></subject></notification>"
    )
    payload = base64.encodebytes(xml)
    request = sign_braintree_payload(payload, env["BRAINTREE_PUBLIC_KEY"], env["BRAINTREE_PRIVATE_KEY"])
    response = await _post(client, "braintree", request)
    assert response.status_code == 401
    [record] = kafka.on("dev.webhooks_rejected")
    assert record.headers["signature"] == MALFORMED_BODY
    assert record.value == request.body


async def test_adyen_gets_its_acknowledgement_body(client, env):
    response = await _post(client, "adyen", signed("adyen", env))
    assert response.text == "[accepted]"


async def test_each_request_gets_its_own_receipt_id(client, kafka, env):
    for _ in range(3):
        assert (await _post(client, "checkout", signed("checkout", env))).status_code == 200
    assert len({r.key for r in kafka.records}) == 3


@pytest.mark.parametrize("name", NAMES)
async def test_a_webhook_signed_with_another_secret_is_refused_and_recorded_as_rejected(client, kafka, name):
    request = signed(name, secrets_env())
    response = await _post(client, name, request)
    assert response.status_code == 401
    assert kafka.on(f"dev.webhooks_{name}") == []
    [record] = kafka.on("dev.webhooks_rejected")
    assert record.value == request.body
    assert record.headers["signature"] == SIGNATURE_MISMATCH
    assert record.headers["provider"] == name
    assert record.headers["receipt_id"] == record.key.decode()


async def test_a_changed_body_is_refused(client, kafka, env):
    request = signed("checkout", env)
    request.body = request.body.replace(b"12500", b"1250")
    assert (await _post(client, "checkout", request)).status_code == 401
    assert [r.headers["signature"] for r in kafka.records] == [SIGNATURE_MISMATCH]


async def test_a_missing_signature_is_refused_with_its_reason(client, kafka, env):
    request = signed("stripe", env)
    del request.headers["Stripe-Signature"]
    response = await _post(client, "stripe", request)
    assert response.status_code == 401
    assert SIGNATURE_MISSING in response.text
    assert [(r.topic, r.headers["signature"]) for r in kafka.records] == [("dev.webhooks_rejected", SIGNATURE_MISSING)]


async def test_a_stale_stripe_signature_is_refused_as_stale(client, kafka, env):
    request = sign_stripe(STRIPE_EVENT, env["STRIPE_WEBHOOK_SECRET"], at=time.time() - 3600)
    assert (await _post(client, "stripe", request)).status_code == 401
    assert [r.headers["signature"] for r in kafka.on("dev.webhooks_rejected")] == [SIGNATURE_STALE]


async def test_a_webhook_for_another_provider_endpoint_is_refused(client, kafka, env):
    # A Stripe event posted to the Checkout.com endpoint carries no Cko-Signature.
    assert (await _post(client, "checkout", signed("stripe", env))).status_code == 401
    assert kafka.on("dev.webhooks_checkout") == []


@pytest.mark.parametrize("name", NAMES)
async def test_when_kafka_does_not_acknowledge_the_provider_gets_503_and_a_retry_after(client, kafka, env, name):
    kafka.failing = True
    response = await _post(client, name, signed(name, env))
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert kafka.records == []


async def test_a_refused_webhook_that_cannot_be_recorded_gets_503_so_it_is_retried(client, kafka):
    kafka.failing = True
    assert (await _post(client, "adyen", signed("adyen", secrets_env()))).status_code == 503


async def test_a_body_over_the_limit_gets_413_and_is_recorded_without_its_body(client, kafka, env):
    body = b'{"id": "evt_big", "pad": "' + b"x" * 5000 + b'"}'
    request = sign_stripe(body, env["STRIPE_WEBHOOK_SECRET"])
    assert (await _post(client, "stripe", request)).status_code == 413
    assert kafka.on("dev.webhooks_stripe") == []
    [record] = kafka.on("dev.webhooks_rejected")
    assert record.headers["signature"] == BODY_TOO_LARGE
    assert record.value == b""


async def test_a_body_at_the_limit_is_accepted(client, kafka, env):
    head, tail = b'{"id": "evt_fit", "pad": "', b'"}'
    body = head + b"x" * (4096 - len(head) - len(tail)) + tail
    assert len(body) == 4096
    assert (await _post(client, "stripe", sign_stripe(body, env["STRIPE_WEBHOOK_SECRET"]))).status_code == 200


async def test_a_streamed_body_over_the_limit_is_not_read_to_its_end(client, kafka):
    """Without Content-Length (chunked), the receiver stops reading once past the limit."""
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 1 MiB in 1 KiB chunks, against a 4 KiB limit
            sent += 1
            yield b"y" * 1024

    response = await client.post("/webhooks/checkout", content=chunks(), headers={"Cko-Signature": "00"})
    assert response.status_code == 413
    assert sent <= 6
    assert [r.headers["signature"] for r in kafka.records] == [BODY_TOO_LARGE]


async def test_only_the_four_providers_have_endpoints(client):
    assert (await client.post("/webhooks/paypal", content=b"{}")).status_code == 404
    assert (await client.get("/webhooks/stripe")).status_code == 405


async def _samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _requests(samples, name, outcome, reason=""):
    return samples[("webhook_requests_total", (("outcome", outcome), ("provider", name), ("reason", reason)))]


async def test_metrics_count_each_outcome_per_provider_and_time_every_request(client, kafka, env):
    await _post(client, "stripe", signed("stripe", env))
    await _post(client, "stripe", signed("stripe", env))
    await _post(client, "stripe", signed("stripe", secrets_env()))
    await _post(client, "adyen", signed("adyen", env))
    await _post(client, "checkout", sign_stripe(b"x" * 5000, env["STRIPE_WEBHOOK_SECRET"]))
    kafka.failing = True
    await _post(client, "braintree", signed("braintree", env))
    await _post(client, "braintree", signed("braintree", secrets_env()))

    samples = await _samples(client)
    assert _requests(samples, "stripe", "accepted") == 2
    assert _requests(samples, "stripe", "rejected", SIGNATURE_MISMATCH) == 1
    assert _requests(samples, "adyen", "accepted") == 1
    assert _requests(samples, "checkout", "rejected", BODY_TOO_LARGE) == 1
    assert _requests(samples, "braintree", "unavailable") == 1
    assert _requests(samples, "braintree", "unavailable", SIGNATURE_MISMATCH) == 1
    assert _requests(samples, "braintree", "accepted") == 0  # every series is there from the start
    count = {n: samples[("webhook_request_duration_seconds_count", (("provider", n),))] for n in NAMES}
    assert count == {"stripe": 3, "adyen": 1, "braintree": 2, "checkout": 1}


async def test_health_says_whether_kafka_was_seen(client, kafka):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "serving", "kafka": CONNECTED}
    kafka.state = ALL_BROKERS_DOWN  # still serving: each request is answered 503 until Kafka is back
    assert (await client.get("/health")).json() == {"status": "serving", "kafka": ALL_BROKERS_DOWN}
    kafka.state = FAILED
    assert (await client.get("/health")).status_code == 503


async def test_the_producer_lives_as_long_as_the_app(env):
    kafka = FakeProducer()
    async with serving(env, kafka):
        assert kafka.started
        assert not kafka.closed
    assert kafka.closed


def test_the_entrypoint_fails_at_start_naming_the_missing_variable(env):
    child_env = {k: v for k, v in env.items() if k != "WEBHOOK_ACK_TIMEOUT_MS"}
    child_env.update(PATH=os.environ.get("PATH", ""), PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-m", "webhooks.receiver"], env=child_env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "WEBHOOK_ACK_TIMEOUT_MS is not set" in done.stderr
    assert env["STRIPE_WEBHOOK_SECRET"] not in done.stderr
