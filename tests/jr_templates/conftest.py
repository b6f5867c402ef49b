"""The JR image, as the stack builds it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def jr_image(project_images: dict[str, str]) -> str:
    return project_images["jr"]
