"""webhooks.kafka: the producer's settings, the asyncio bridge against a fake librdkafka producer (each
request's future gets its own record's delivery report), and a real librdkafka against a broker that
is not there (the stack tests run it against Kafka)."""

from __future__ import annotations

import asyncio
import json
import queue
import re
import socket
import time
from pathlib import Path

import pytest
from confluent_kafka import KafkaError

from tests.webhooks.signing import receiver_env
from webhooks import kafka
from webhooks.kafka import (
    ALL_BROKERS_DOWN,
    CONNECTED,
    FAILED,
    NOT_YET_SEEN,
    AsyncProducer,
    KafkaUnavailableError,
    producer_config,
)
from webhooks.settings import ReceiverSettings

CA = "-----BEGIN CERTIFICATE-----\nMIIBedgetest\n-----END CERTIFICATE-----\n"


def test_the_producer_is_idempotent_waits_for_all_replicas_and_times_out_with_the_request():
    settings = ReceiverSettings.from_env(
        receiver_env(
            WEBHOOK_ACK_TIMEOUT_MS="2500",
            KAFKA_EXTRA_PROPERTIES="security.protocol=sasl_ssl\nsasl.mechanisms=PLAIN\nacks=1\n# a comment",
        )
    )
    config = producer_config(settings, "/tmp/ca.pem")
    assert config["enable.idempotence"] is True
    assert config["acks"] == "all"  # KAFKA_EXTRA_PROPERTIES cannot weaken it
    assert config["message.timeout.ms"] == 2500
    assert config["security.protocol"] == "sasl_ssl"
    assert config["sasl.mechanisms"] == "PLAIN"
    assert config["ssl.ca.location"] == "/tmp/ca.pem"
    assert config["bootstrap.servers"] == "kafka:29092"


class FakeLibrdkafka:
    """confluent_kafka.Producer's surface as the bridge uses it: produce queues a delivery report that a
    later poll (on the bridge's poller thread) or flush serves. `outcome(topic)`: the report's error."""

    def __init__(self, config):
        self.config = config
        self.reports: queue.Queue = queue.Queue()
        self.outcome = lambda topic: None
        self.full = False
        self.holding = False  # poll serves nothing (a slow broker); flush still does

    def produce(self, topic, value, key, headers, on_delivery):
        if self.full:
            raise BufferError("Local: Queue full")
        self.reports.put((on_delivery, self.outcome(topic)))

    def poll(self, timeout):
        if self.holding:
            time.sleep(timeout)
            return 0
        return self._serve(timeout)

    def _serve(self, timeout):
        try:
            on_delivery, error = self.reports.get(timeout=timeout)
        except queue.Empty:
            return 0
        on_delivery(error, None)
        return 1

    def flush(self, timeout):
        while not self.reports.empty():
            self._serve(0)
        return 0

    def __len__(self):
        return self.reports.qsize()


@pytest.fixture
def fake(monkeypatch):
    made = []

    def factory(config):
        made.append(FakeLibrdkafka(config))
        return made[-1]

    monkeypatch.setattr(kafka, "Producer", factory)
    return made


def _run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 10))


def test_each_request_waits_for_its_own_records_delivery_report(fake):
    async def scenario():
        producer = AsyncProducer({"bootstrap.servers": "k:1"}, flush_timeout_s=1)
        fake[0].outcome = lambda topic: KafkaError(KafkaError._MSG_TIMED_OUT) if topic == "down" else None
        await producer.start()
        results = await asyncio.gather(
            *(producer.produce(t, b"v", b"k", []) for t in ["up", "down", "up", "down", "up"]),
            return_exceptions=True,
        )
        await producer.close()
        return producer, results

    producer, results = _run(scenario())
    assert [r if r is None else type(r) for r in results] == [None, KafkaUnavailableError] * 2 + [None]
    assert "Message timed out" in str(results[1])
    assert producer.state == CONNECTED


def test_a_full_local_queue_fails_at_once(fake):
    async def scenario():
        producer = AsyncProducer({"bootstrap.servers": "k:1"}, flush_timeout_s=1)
        await producer.start()
        fake[0].full = True
        with pytest.raises(KafkaUnavailableError, match="queue is full"):
            await producer.produce("t", b"v", b"k", [])
        await producer.close()

    _run(scenario())


def test_close_flushes_the_records_in_flight_to_their_requests(fake):
    async def scenario():
        producer = AsyncProducer({"bootstrap.servers": "k:1"}, flush_timeout_s=1)
        fake[0].holding = True
        await producer.start()
        in_flight = asyncio.ensure_future(producer.produce("t", b"v", b"k", []))
        await asyncio.sleep(0.3)
        assert not in_flight.done()
        await producer.close()
        await in_flight  # acknowledged by the flush, not failed
        return producer

    producer = _run(scenario())
    assert not producer._poller.is_alive()


def test_the_ca_pem_is_written_to_the_file_librdkafka_reads(fake):
    AsyncProducer.from_settings(ReceiverSettings.from_env(receiver_env(KAFKA_CA_PEM=CA)))
    path = Path(fake[0].config["ssl.ca.location"])
    try:
        assert path.read_text() == CA
        assert path.stat().st_mode & 0o077 == 0  # private to the process's user
    finally:
        path.unlink()


def _stats(*states: str) -> str:
    """librdkafka's statistics JSON, its brokers with these connection states (STATISTICS.md)."""
    return json.dumps({"brokers": {f"kafka:29092/{i}": {"nodeid": i, "state": s} for i, s in enumerate(states)}})


def test_the_state_follows_the_brokers_while_nothing_is_produced(fake):
    producer = AsyncProducer({"bootstrap.servers": "k:1"}, flush_timeout_s=1)
    stats_cb, error_cb = fake[0].config["stats_cb"], fake[0].config["error_cb"]
    assert fake[0].config["statistics.interval.ms"] > 0
    stats_cb(_stats("INIT"))
    assert producer.state == NOT_YET_SEEN
    stats_cb(_stats("DOWN", "UP"))
    assert producer.state == CONNECTED
    error_cb(KafkaError(KafkaError._ALL_BROKERS_DOWN))
    assert producer.state == ALL_BROKERS_DOWN
    stats_cb(_stats("UP"))
    assert producer.state == CONNECTED  # back, though no record was produced
    stats_cb(_stats("DOWN", "TRY_CONNECT"))
    assert producer.state == ALL_BROKERS_DOWN


def test_a_fatal_error_is_final_and_reported(fake):
    fatal = []
    producer = AsyncProducer({"bootstrap.servers": "k:1"}, flush_timeout_s=1, on_fatal=lambda: fatal.append(1))
    fake[0].config["error_cb"](KafkaError(KafkaError._ALL_BROKERS_DOWN))
    assert fatal == []
    fake[0].config["error_cb"](KafkaError(KafkaError._FATAL, "producer fenced", fatal=True))
    fake[0].config["stats_cb"](_stats("UP"))
    assert producer.state == FAILED
    assert fatal == [1]


def test_a_bad_property_fails_naming_it():
    with pytest.raises(KafkaUnavailableError, match=re.escape("request.required.acks")):
        AsyncProducer({"bootstrap.servers": "k:1", "acks": "most"}, flush_timeout_s=1)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_no_broker_a_record_fails_within_the_ack_timeout():
    async def scenario():
        config = producer_config(
            ReceiverSettings.from_env(
                receiver_env(KAFKA_BOOTSTRAP=f"127.0.0.1:{_closed_port()}", WEBHOOK_ACK_TIMEOUT_MS="1000")
            ),
            None,
        )
        producer = AsyncProducer({**config, "log_level": 0}, flush_timeout_s=1)
        await producer.start()
        started = time.monotonic()
        with pytest.raises(KafkaUnavailableError, match="timed out"):
            await producer.produce("webhooks_stripe", b"{}", b"r1", [("provider", b"stripe")])
        waited = time.monotonic() - started
        await producer.close()
        return producer, waited

    producer, waited = _run(scenario())
    assert waited < 3.5  # the ack timeout, plus librdkafka's once-a-second timeout scan
    assert producer.state == ALL_BROKERS_DOWN
