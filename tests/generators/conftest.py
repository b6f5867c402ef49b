"""The JR image, built (or reused) once per session as the stack builds it."""

from __future__ import annotations

import pytest

from components.build_env import host_go_env
from tests.support import project_image


@pytest.fixture(scope="session")
def jr_image(base_image):
    return project_image("jr", base_image, **host_go_env())
