"""Delivering one provider's webhooks to the receiver as the providers do: at a steady rate, a bounded
number of requests in flight, retried with backoff until an answer that is neither 5xx nor 429 (each
attempt signed again: Stripe's timestamp is new), and an acknowledged one sometimes delivered again
later (REDELIVERY). Every attempt is a line of the ledger.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_result, wait_exponential_jitter
from tenacity.wait import wait_base

from payments.webhooks import provider
from webhooks.generators.core import ProviderGenerator, Request
from webhooks.settings import LEDGER_PATH

LOG = logging.getLogger(__name__)

LEDGER_FILE_BYTES = 64 * 2**20
LEDGER_BACKUPS = 3  # ledger.jsonl.1 … .3 beside the current file
# Requests of one provider in flight at once, and deliveries alive (in flight, waiting to retry or to be
# redelivered) before new events wait.
MAX_IN_FLIGHT = 16
MAX_PENDING = 1000
# Backoff between attempts of one delivery: exponential from 1 s, capped at a minute, with up to 1 s jitter.
RETRY_WAIT = wait_exponential_jitter(initial=1, max=60)


class Ledger:
    """The record of every HTTP attempt: one JSON object per line, `{"provider", "identities",
    "delivery_id", "attempt", "status" (null: no answer), "problems", "signature", "sent_at" (ISO 8601
    UTC)}`, in `path`, rotated at `max_bytes` with `backups` older files kept (`path.1` the newest)."""

    def __init__(
        self, path: Path = LEDGER_PATH, max_bytes: int = LEDGER_FILE_BYTES, backups: int = LEDGER_BACKUPS
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")

    def record(self, request: Request, attempt: int, status: int | None, sent_at: datetime) -> None:
        """Writes (and flushes) the line of one attempt of `request`."""
        line = json.dumps(
            {
                "provider": request.provider,
                "identities": list(request.identities),
                "delivery_id": request.delivery_id,
                "attempt": attempt,
                "status": status,
                "problems": list(request.problems),
                "signature": request.signature,
                "sent_at": sent_at.isoformat(),
            },
            separators=(",", ":"),
        )
        self._handler.handle(logging.makeLogRecord({"msg": line}))

    def close(self) -> None:
        self._handler.close()


def _retryable(status: int | None) -> bool:
    """The answers a provider retries: none, 429, 5xx."""
    return status is None or status == 429 or status >= 500


def _last_status(state: RetryCallState) -> int | None:
    """The status of the attempt before retrying stopped (on stopping)."""
    return state.outcome.result() if state.outcome else None


class Deliverer:
    """POSTs one provider's webhooks, from `generator`, through `client` (its base URL the receiver's) to
    the provider's path, recording each attempt in `ledger`; ends its work once `stopping` is set.

    `counts` tallies attempts since the last `log_summary()`: sent, 2xx, 401 and retried (attempts after
    a delivery's first)."""

    def __init__(
        self,
        generator: ProviderGenerator,
        client: httpx.AsyncClient,
        ledger: Ledger,
        stopping: asyncio.Event,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_pending: int = MAX_PENDING,
        retry_wait: wait_base = RETRY_WAIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._generator = generator
        self._path = provider(generator.provider.name).path
        self._client = client
        self._ledger = ledger
        self._stopping = stopping
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._pending = asyncio.Semaphore(max_pending)
        self._retry_wait = retry_wait
        self._clock = clock
        self.counts: Counter[str] = Counter()

    async def run(self, rate_per_second: float) -> None:
        """Sends new webhooks at `rate_per_second` until stopping; when MAX_PENDING deliveries are alive,
        the next waits for one to end. On stopping, requests in flight finish; retries and redeliveries
        not yet due are dropped (their earlier attempts are in the ledger)."""
        loop = asyncio.get_running_loop()
        interval = 1.0 / rate_per_second
        next_at = loop.time()
        async with asyncio.TaskGroup() as group:
            while not self._stopping.is_set():
                await self._pending.acquire()
                if self._stopping.is_set():
                    self._pending.release()
                    break
                group.create_task(self._deliver_and_release(self._generator.next_request()))
                next_at += interval
                delay = next_at - loop.time()
                if delay < -1.0:  # held back by waiting deliveries: carry on at the rate, no burst
                    next_at = loop.time()
                elif delay > 0:
                    await self._sleep(delay)

    async def deliver(self, request: Request) -> int | None:
        """Delivers `request` until it gets an answer that is neither 5xx nor 429, signing each attempt
        anew; after a 2xx, a REDELIVERY follows `request.redeliver_after` seconds later. Returns the last
        answer's status (None: stopped with no answer yet)."""
        attempts = 0

        async def attempt() -> int | None:
            nonlocal attempts
            attempts += 1
            headers = self._generator.headers(request, self._clock())
            async with self._in_flight:
                sent_at = datetime.now(UTC)  # when it went out, not when it was answered
                try:
                    response = await self._client.post(self._path, content=request.body, headers=headers)
                    status: int | None = response.status_code
                except httpx.TransportError:  # no answer
                    status = None
            self._ledger.record(request, attempts, status, sent_at)
            self.counts["sent"] += 1
            self.counts["retried"] += attempts > 1
            self.counts["2xx"] += status is not None and 200 <= status < 300
            self.counts["401"] += status == 401
            return status

        retrying = AsyncRetrying(
            retry=retry_if_result(_retryable),
            wait=self._retry_wait,
            stop=lambda _: self._stopping.is_set(),
            sleep=self._sleep,
            retry_error_callback=_last_status,
        )
        status = await retrying(attempt)
        if status is not None and 200 <= status < 300 and request.redeliver_after is not None:
            await self._sleep(request.redeliver_after)
            if not self._stopping.is_set():
                await self.deliver(self._generator.redelivery(request))
        return status

    def log_summary(self) -> None:
        """Logs the counts since the last summary in one line, then starts them again."""
        c = self.counts
        LOG.info(
            "%s: %d sent, %d 2xx, %d 401, %d retried",
            self._generator.provider.name,
            c["sent"],
            c["2xx"],
            c["401"],
            c["retried"],
        )
        c.clear()

    async def _deliver_and_release(self, request: Request) -> None:
        try:
            await self.deliver(request)
        finally:
            self._pending.release()

    async def _sleep(self, seconds: float) -> None:
        """Waits `seconds`, or less when stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
