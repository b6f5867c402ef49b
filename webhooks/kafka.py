"""`AsyncProducer`: an asyncio bridge over confluent_kafka.Producer for the receiver.

`produce` returns once Kafka has acknowledged the record (idempotent producer, acks=all) or raises
`KafkaUnavailableError`: librdkafka's queue is full, the record could not be delivered within
`message.timeout.ms` (the request's ack timeout: brokers down, a partition without leader), or Kafka
refused it. A background thread polls the producer and resolves one asyncio future per record with its
delivery report. Property names: librdkafka's CONFIGURATION.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from webhooks.settings import ReceiverSettings

log = logging.getLogger(__name__)

# Wait up to this long for librdkafka's callbacks per poll: the poller's reaction time to `close`.
_POLL_S = 0.1
# librdkafka batches what arrives within this many ms into one request: throughput under load, a few ms
# of latency when idle.
LINGER_MS = 5
# The local queue's bound. A request waits at most the ack timeout, so at the target rate (5,000/s) and a
# few seconds' timeout the queue holds tens of thousands of small records; beyond this, `produce` fails
# fast (503) instead of the container running out of memory while Kafka is down.
QUEUE_MAX_KBYTES = 64 * 1024

# How often librdkafka reports its brokers' connection states (to `state`), in ms.
STATS_INTERVAL_MS = 5000
# `state` values: what the producer knows of the cluster.
NOT_YET_SEEN = "not yet seen"
CONNECTED = "connected"
ALL_BROKERS_DOWN = "all brokers down"
FAILED = "failed"  # a fatal error (idempotence broken): no record can be produced any more


class KafkaUnavailableError(Exception):
    """A record was not acknowledged by Kafka: the local queue is full, delivery timed out, or Kafka refused
    it. The message carries librdkafka's reason."""


def producer_config(settings: ReceiverSettings, ca_location: str | None) -> dict[str, Any]:
    """librdkafka properties for the receiver's producer: the security properties of KAFKA_EXTRA_PROPERTIES,
    then the delivery guarantees (which those cannot override). `ca_location`: a file holding KAFKA_CA_PEM."""
    return {
        **settings.kafka_properties(),
        **({"ssl.ca.location": ca_location} if ca_location else {}),
        "bootstrap.servers": settings.kafka_bootstrap,
        "client.id": "webhook-receiver",
        "enable.idempotence": True,  # no duplicates from librdkafka's own retries; implies acks=all
        "acks": "all",
        "message.timeout.ms": settings.ack_timeout_ms,
        "linger.ms": LINGER_MS,
        "queue.buffering.max.kbytes": QUEUE_MAX_KBYTES,
    }


class AsyncProducer:
    """One producer per process: `start` it on the event loop that calls `produce`; `close` flushes.

    `config`: librdkafka properties (`producer_config`); `flush_timeout_s`: how long `close` waits for the
    records still in flight; `on_fatal`: called (on the poller thread) when the producer fails for good,
    after which every record fails. `state` is one of NOT_YET_SEEN, CONNECTED, ALL_BROKERS_DOWN, FAILED:
    what the producer last learnt about the cluster (from deliveries, errors, and its statistics every
    5 s). Raises KafkaUnavailableError if librdkafka refuses the configuration (its message names the
    property).
    """

    def __init__(
        self, config: Mapping[str, Any], flush_timeout_s: float, on_fatal: Callable[[], None] | None = None
    ) -> None:
        self._flush_timeout_s = flush_timeout_s
        self._on_fatal = on_fatal
        try:
            self._producer = Producer(
                {
                    **config,
                    "error_cb": self._on_error,
                    "stats_cb": self._on_stats,
                    "statistics.interval.ms": STATS_INTERVAL_MS,
                }
            )
        except KafkaException as exc:
            raise KafkaUnavailableError(f"bad Kafka producer configuration: {exc.args[0].str()}") from exc
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="kafka-poller", daemon=True)
        self.state = NOT_YET_SEEN

    @classmethod
    def from_settings(cls, settings: ReceiverSettings, on_fatal: Callable[[], None] | None = None) -> AsyncProducer:
        """The receiver's producer; KAFKA_CA_PEM, if set, is written to a private file for ssl.ca.location
        (librdkafka reads CAs from a file), which lives as long as the process."""
        ca_location = None
        if settings.kafka_ca_pem:
            fd, ca_location = tempfile.mkstemp(prefix="kafka-ca-", suffix=".pem")
            with os.fdopen(fd, "w") as f:
                f.write(settings.kafka_ca_pem)
        return cls(producer_config(settings, ca_location), settings.ack_timeout_ms / 1000, on_fatal)

    async def start(self) -> None:
        """Start the poller thread: it serves the delivery reports, errors and statistics."""
        self._poller.start()

    async def produce(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> None:
        """Write one record and wait for Kafka's acknowledgement (at most message.timeout.ms, which
        librdkafka checks about once a second). Raises KafkaUnavailableError if it is not acknowledged."""
        future = asyncio.get_running_loop().create_future()
        try:
            self._producer.produce(topic, value, key, headers=headers, on_delivery=partial(self._on_delivery, future))
        except BufferError as exc:
            raise KafkaUnavailableError(f"the producer's local queue is full ({len(self._producer)} records)") from exc
        except KafkaException as exc:
            raise KafkaUnavailableError(exc.args[0].str()) from exc
        await future

    async def close(self) -> None:
        """Stop polling and flush: wait up to the flush timeout for the records in flight. Logs the number
        of records left undelivered (their requests were answered 503: the providers retry them)."""
        self._stop.set()
        if self._poller.is_alive():
            await asyncio.to_thread(self._poller.join)
        left = await asyncio.to_thread(self._producer.flush, self._flush_timeout_s)
        if left:
            log.warning("%d records not delivered at shutdown", left)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._producer.poll(_POLL_S)

    # The callbacks run on the poller thread (or in `flush`'s): a delivery report is handed to the loop of
    # the request waiting for it.
    def _on_delivery(self, future: asyncio.Future[None], error: KafkaError | None, _message: Message) -> None:
        future.get_loop().call_soon_threadsafe(self._resolve, future, error)

    def _resolve(self, future: asyncio.Future[None], error: KafkaError | None) -> None:
        if future.done():  # its request was cancelled (a shutdown past its grace period)
            return
        if error is None:
            if self.state != FAILED:
                self.state = CONNECTED
            future.set_result(None)
        else:
            future.set_exception(KafkaUnavailableError(error.str()))

    def _on_stats(self, stats_json: str) -> None:
        # Every STATS_INTERVAL_MS: the connection state of each broker (librdkafka's STATISTICS.md), so that
        # `state` also follows Kafka while no record is produced (each worker process has its own producer).
        if self.state == FAILED:
            return
        brokers = json.loads(stats_json).get("brokers", {}).values()
        if any(b.get("state") == "UP" for b in brokers):
            self.state = CONNECTED
        elif self.state == CONNECTED:
            self.state = ALL_BROKERS_DOWN

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            self.state = FAILED
            log.error("fatal producer error, no record can be produced any more: %s", error.str())
            if self._on_fatal is not None:
                self._on_fatal()
        elif error.code() == KafkaError._ALL_BROKERS_DOWN:
            self.state = ALL_BROKERS_DOWN
            log.warning("%s", error.str())
        else:
            log.warning("%s", error.str())
