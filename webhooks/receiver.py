"""The webhook receiver: `python -m webhooks.receiver` serves, on 0.0.0.0:RECEIVER_PORT with uvicorn
(uvloop, httptools), one endpoint per payment provider, `POST /webhooks/<provider>`
(payments.webhooks.PROVIDERS), plus `GET /health` and `GET /metrics`.

A request's body is read up to WEBHOOK_MAX_BODY_BYTES and its signature verified (webhooks/signatures.py).
- Authentic: the raw body, unchanged, goes to `<prefix>webhooks_<provider>`, keyed by a new receipt id,
  with the headers of payments.webhooks (provider, received_at, content_type, signature=valid,
  receipt_id); the answer is 200 with the provider's acknowledgement body (Adyen: `[accepted]`) once
  Kafka has acknowledged the record.
- Refused: the body goes to `<prefix>webhooks_rejected` with the same headers, the rejection reason in
  `signature`; the answer is 401 (413 for a body over the limit, recorded without its body: the receiver
  stops reading at the limit).
- A record Kafka does not acknowledge within WEBHOOK_ACK_TIMEOUT_MS: 503 with Retry-After, so the provider
  retries and nothing is lost.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from payments.webhooks import (
    BODY_TOO_LARGE,
    HEADER_CONTENT_TYPE,
    HEADER_PROVIDER,
    HEADER_RECEIPT_ID,
    HEADER_RECEIVED_AT,
    HEADER_SIGNATURE,
    MALFORMED_BODY,
    PROVIDERS,
    REJECTED_TOPIC,
    REJECTION_REASONS,
    Provider,
)
from webhooks.kafka import FAILED, AsyncProducer, KafkaUnavailableError
from webhooks.settings import RECEIVER_PORT, ReceiverSettings, SettingsError
from webhooks.signatures import SignatureRejectedError, Verifier, verifiers

log = logging.getLogger(__name__)

# What a 503 asks the provider to wait before retrying, in seconds.
RETRY_AFTER_SECONDS = 5
# Outcomes (the `outcome` label of webhook_requests_total).
ACCEPTED = "accepted"  # on the provider's topic, acknowledged
REJECTED = "rejected"  # on the rejected topic, acknowledged; `reason` says why
UNAVAILABLE = "unavailable"  # 503: Kafka did not acknowledge; `reason` is empty for an authentic request
# Request latency buckets, in seconds: the target is a p99 under 50 ms; 503s wait up to the ack timeout.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Producer(Protocol):
    """What the receiver needs of Kafka (webhooks.kafka.AsyncProducer; tests pass a fake)."""

    state: str  # what the producer knows of the cluster, for /health

    async def start(self) -> None: ...

    async def produce(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> None:
        """Return once Kafka acknowledged the record; raise KafkaUnavailableError if it did not."""

    async def close(self) -> None: ...


class Metrics:
    """The receiver's Prometheus metrics. With PROMETHEUS_MULTIPROC_DIR set (several uvicorn workers), each
    worker writes its values there and `/metrics` adds up every worker's (prometheus_client's multiprocess
    mode)."""

    def __init__(self) -> None:
        self._registry = CollectorRegistry()
        self.requests = Counter(
            "webhook_requests",
            "Webhook requests by provider and outcome (accepted, rejected, unavailable) and rejection reason",
            ["provider", "outcome", "reason"],
            registry=self._registry,
        )
        self.latency = Histogram(
            "webhook_request_duration_seconds",
            "Time from a webhook request's arrival to its answer",
            ["provider"],
            buckets=LATENCY_BUCKETS,
            registry=self._registry,
        )
        for p in PROVIDERS:  # every series from zero, so rates and alerts see the first event
            self.requests.labels(p.name, ACCEPTED, "")
            self.requests.labels(p.name, UNAVAILABLE, "")
            for reason in REJECTION_REASONS:
                self.requests.labels(p.name, REJECTED, reason)
                self.requests.labels(p.name, UNAVAILABLE, reason)
            self.latency.labels(p.name)

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format: this process's, or in multiprocess mode every worker's."""
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self._registry)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it is known to exceed `limit` bytes (from Content-Length, or
    while streaming): the rest is never read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _endpoint(
    provider: Provider, verify: Verifier, settings: ReceiverSettings, producer: Producer, metrics: Metrics
) -> Callable[[Request], Awaitable[Response]]:
    topic = settings.topic(provider.topic)
    rejected_topic = settings.topic(REJECTED_TOPIC)
    name = provider.name.encode()
    latency = metrics.latency.labels(provider.name)
    accepted = metrics.requests.labels(provider.name, ACCEPTED, "")

    async def receive(request: Request) -> Response:
        started = time.perf_counter()
        receipt_id = str(uuid.uuid4()).encode()
        headers = [
            (HEADER_PROVIDER, name),
            (HEADER_RECEIVED_AT, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()),
            (HEADER_CONTENT_TYPE, request.headers.get("content-type", "").encode("latin-1")),
        ]
        body = await _read_body(request, settings.max_body_bytes)
        if body is None:
            reason, status, body = BODY_TOO_LARGE, 413, b""
        else:
            try:
                verify(body, request.headers)
            except SignatureRejectedError as exc:
                reason, status = exc.reason, 401
                log.debug("%s webhook %s refused: %s", provider.name, receipt_id.decode(), exc)
            except Exception as exc:  # noqa: BLE001 - an SDK choking on a body: refused and recorded, never a 500
                reason, status = MALFORMED_BODY, 401
                log.info("%s webhook %s unreadable: %s", provider.name, receipt_id.decode(), type(exc).__name__)
            else:
                reason, status = "", 200
        headers += [(HEADER_SIGNATURE, (reason or "valid").encode()), (HEADER_RECEIPT_ID, receipt_id)]
        try:
            await producer.produce(rejected_topic if reason else topic, body, receipt_id, headers)
        except KafkaUnavailableError:
            # The provider retries a 503: nothing is lost, whether the request was authentic or not.
            metrics.requests.labels(provider.name, UNAVAILABLE, reason).inc()
            response: Response = PlainTextResponse(
                "Kafka did not acknowledge the webhook; retry later\n",
                503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        else:
            if reason:
                metrics.requests.labels(provider.name, REJECTED, reason).inc()
                response = PlainTextResponse(f"{reason}\n", status)
            else:
                accepted.inc()
                response = Response(provider.acknowledgement, 200, media_type="text/plain")
        latency.observe(time.perf_counter() - started)
        return response

    return receive


def create_app(settings: ReceiverSettings, producer: Producer) -> Starlette:
    """The receiver's ASGI app. Its lifespan starts `producer` and, once the server has finished its
    in-flight requests, closes it (which flushes what is still in flight to Kafka)."""
    metrics = Metrics()
    checks = verifiers(settings, settings.signature_tolerance_seconds)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await producer.start()
        log.info(
            "receiving %s; records to %s and %s; Kafka at %s",
            ", ".join(p.path for p in PROVIDERS),
            ", ".join(settings.topic(p.topic) for p in PROVIDERS),
            settings.topic(REJECTED_TOPIC),
            settings.kafka_bootstrap,
        )
        yield
        await producer.close()

    async def health(_request: Request) -> Response:
        # 200 while the receiver can serve; Kafka's state is a fact for the reader, since a Kafka outage is
        # answered per request with 503. Only a producer that failed for good (fatal error) is unhealthy.
        serving = producer.state != FAILED
        return JSONResponse(
            {"status": "serving" if serving else "failed", "kafka": producer.state}, 200 if serving else 503
        )

    async def prometheus(_request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    routes = [
        Route(p.path, _endpoint(p, checks[p.name], settings, producer, metrics), methods=["POST"]) for p in PROVIDERS
    ]
    routes += [Route("/health", health, methods=["GET"]), Route("/metrics", prometheus, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


def _restart() -> None:
    # SIGTERM to this process: uvicorn finishes the in-flight requests and exits; the container's restart
    # policy (or, with several workers, uvicorn's supervisor) starts it again with a new producer.
    os.kill(os.getpid(), signal.SIGTERM)


def app_from_env() -> Starlette:
    """The app as each uvicorn worker builds it: settings from the environment, a real Kafka producer. A
    producer that fails for good (a fatal idempotence error) restarts its process."""
    settings = ReceiverSettings.from_env()
    return create_app(settings, AsyncProducer.from_settings(settings, on_fatal=_restart))


# Every process (uvicorn runs this dictConfig in each worker) logs to stderr through the root logger.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
}


def main() -> None:
    """Serve until SIGTERM or SIGINT: then uvicorn stops accepting, finishes the in-flight requests (each
    waits at most the ack timeout), and the lifespan flushes the producer. Exits 2 on bad settings."""
    try:
        settings = ReceiverSettings.from_env()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    metrics_dir = None
    if settings.workers > 1:
        # Set before the workers start (and import prometheus_client): their metrics go to files there.
        metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="webhook-metrics-")
    # A request waits at most the ack timeout, and librdkafka notices a timeout within about a second.
    grace_s = math.ceil(settings.ack_timeout_ms / 1000) + 2
    try:
        uvicorn.run(
            "webhooks.receiver:app_from_env",
            factory=True,
            host="0.0.0.0",  # inside the container; the stack publishes the port on its bind address
            port=RECEIVER_PORT,
            workers=settings.workers,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            log_config=LOG_CONFIG,
            access_log=False,  # per-request lines at thousands per second; the metrics count them instead
            server_header=False,
            timeout_graceful_shutdown=grace_s,
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
