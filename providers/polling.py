"""Waiting for a remote state (a container's health, a job's, a deleted topic's absence) with tenacity."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryCallState, Retrying, before_sleep_nothing, retry_if_result, stop_after_delay, wait_fixed

T = TypeVar("T")


def poll_until(
    check: Callable[[], T | None],
    timeout_s: float,
    interval_s: float,
    progress: Callable[[float], None] | None = None,
) -> T | None:
    """Call `check` every `interval_s` seconds until it answers something other than None, for at most
    `timeout_s` seconds. Returns its answer, or None when the time ran out; an exception `check` raises
    ends the wait at once. `progress(seconds waited)` runs before each pause."""

    def before_sleep(state: RetryCallState) -> None:
        if progress is not None:
            progress(state.seconds_since_start or 0.0)

    retrying = Retrying(
        stop=stop_after_delay(timeout_s),
        wait=wait_fixed(interval_s),
        retry=retry_if_result(lambda answer: answer is None),
        before_sleep=before_sleep if progress else before_sleep_nothing,
        retry_error_callback=lambda _: None,
    )
    return retrying(check)
