"""`python -m webhooks.generators`: POSTs every enabled provider's signed webhooks to the receiver at its
configured rate until SIGTERM or SIGINT, records each attempt in the ledger and logs a summary per
provider every minute. Settings: webhooks/generators/settings.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys

import httpx

from webhooks.generators.delivery import MAX_IN_FLIGHT, Deliverer, Ledger
from webhooks.generators.settings import GeneratorSettings, SettingsError, load

LOG = logging.getLogger("webhooks.generators")

SUMMARY_SECONDS = 60
# Above the receiver's wait for Kafka's acknowledgement (ackTimeoutMs, at most 30 s by config), so an
# answer the receiver gives is never given up on: a 2xx not seen would be delivered twice.
REQUEST_TIMEOUT_SECONDS = 40.0


async def run(settings: GeneratorSettings) -> None:
    """Runs the generators of `settings` until SIGTERM or SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    ledger = Ledger(settings.ledger_path)
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT * max(1, len(settings.generators)))
    try:
        async with httpx.AsyncClient(
            base_url=settings.receiver_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits
        ) as client:
            deliverers = {
                name: Deliverer(generator, client, ledger, stopping) for name, generator in settings.generators.items()
            }
            async with asyncio.TaskGroup() as group:
                for name, deliverer in deliverers.items():
                    group.create_task(deliverer.run(settings.runs[name].rate_per_second))
                group.create_task(_summaries(list(deliverers.values()), stopping))
            for deliverer in deliverers.values():  # the last one, once the requests in flight have ended
                deliverer.log_summary()
    finally:
        ledger.close()


async def _summaries(deliverers: list[Deliverer], stopping: asyncio.Event) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), SUMMARY_SECONDS)
        if stopping.is_set():
            return
        for deliverer in deliverers:
            deliverer.log_summary()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request at INFO
    try:
        settings = load(os.environ)
    except SettingsError as exc:
        LOG.error("%s", exc)
        return 2
    rates = ", ".join(f"{name} {run.rate_per_second}/s" for name, run in settings.runs.items())
    LOG.info("posting to %s: %s (seed %s)", settings.receiver_url, rates or "no provider enabled", settings.seed)
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
