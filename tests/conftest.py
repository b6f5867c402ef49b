"""Shared fixtures. Tests that need a Docker engine are marked `docker`; `make test` runs them all."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pulumi
import pytest

import config

# Session fixtures for the tests that use the real Docker engine (dc, base_image).
pytest_plugins = ["tests.support"]


@pytest.fixture
def stack_config() -> Iterator[Callable[[dict[str, object]], config.StackSettings]]:
    """Load StackSettings from a `streaming-lakehouse:` config map, as `Pulumi.<stack>.yaml` would give it."""

    def load(values: dict[str, object]) -> config.StackSettings:
        pulumi.runtime.set_all_config(
            {f"{config.NAMESPACE}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
        )
        return config.load(pulumi.Config(config.NAMESPACE), project="streaming-lakehouse", stack="unit")

    yield load
    pulumi.runtime.set_all_config({})
