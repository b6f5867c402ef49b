"""Waiting for a remote state: the answer once there is one, None when the time runs out, errors at once."""

from __future__ import annotations

import time

import pytest

from providers.polling import poll_until


def test_the_first_answer_ends_the_wait():
    answers = iter([None, None, "ready"])
    assert poll_until(lambda: next(answers), timeout_s=5, interval_s=0.01) == "ready"


def test_no_answer_within_the_timeout_is_none():
    started = time.monotonic()
    assert poll_until(lambda: None, timeout_s=0.2, interval_s=0.05) is None
    assert 0.2 <= time.monotonic() - started < 2


def test_an_error_of_the_check_ends_the_wait_at_once():
    calls = []

    def check() -> None:
        calls.append(1)
        raise RuntimeError("the job failed")

    with pytest.raises(RuntimeError, match="the job failed"):
        poll_until(check, timeout_s=5, interval_s=0.01)
    assert len(calls) == 1


def test_progress_hears_how_long_it_has_waited():
    waited: list[float] = []
    answers = iter([None, None, True])
    poll_until(lambda: next(answers), timeout_s=5, interval_s=0.05, progress=waited.append)
    assert len(waited) == 2
    assert waited == sorted(waited)
