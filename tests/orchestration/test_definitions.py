"""The Dagster definitions load in the project's Dagster image with the settings a default stack hands the
code server: no Trino, no PostgreSQL, nothing running but the one container."""

from __future__ import annotations

import docker
import pytest

from components.dagster import lakehouse_settings
from tests.support import project_image

pytestmark = pytest.mark.docker  # builds and runs images/dagster

# Its report to stderr, where a failed container's output is kept.
VALIDATE = 'DAGSTER_HOME="$(mktemp -d)" dagster definitions validate -m orchestration.definitions 1>&2'


def test_the_definitions_load_with_the_settings_a_stack_gives_them(dc: docker.DockerClient, base_image, stack_config):
    env = lakehouse_settings(stack_config({}), "trino", 8080, "iceberg").env()
    try:
        dc.containers.run(project_image("dagster", base_image), ["sh", "-c", VALIDATE], environment=env, remove=True)
    except docker.errors.ContainerError as exc:
        pytest.fail(f"the definitions do not load: {exc.stderr.decode(errors='replace')[-3000:]}")


def test_a_missing_setting_stops_the_code_location_naming_it(dc: docker.DockerClient, base_image, stack_config):
    env = lakehouse_settings(stack_config({}), "trino", 8080, "iceberg").env()
    del env["LAKEHOUSE_DQ_SCORE_FLOOR"]
    with pytest.raises(docker.errors.ContainerError) as failed:
        dc.containers.run(project_image("dagster", base_image), ["sh", "-c", VALIDATE], environment=env, remove=True)
    assert b"dq_score_floor" in failed.value.stderr
