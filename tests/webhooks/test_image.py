"""images/webhooks agrees with the code and the root lock: the health check asks the port the receiver
listens on, and the image installs the very versions the tests ran with."""

from __future__ import annotations

import re
from pathlib import Path

from webhooks.settings import RECEIVER_PORT

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "images" / "webhooks"


def _pins(path: Path) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(), re.MULTILINE)
    }


def test_the_health_check_asks_the_receivers_port():
    assert re.search(rf"^PORT = {RECEIVER_PORT}\b", (IMAGE / "bin" / "healthcheck").read_text(), re.MULTILINE)


def test_the_image_pins_the_root_locks_versions_with_hashes():
    image, root = _pins(IMAGE / "requirements.txt"), _pins(ROOT / "requirements.txt")
    assert {name: version for name, version in image.items() if root.get(name) != version} == {}
    for top in ("starlette", "uvicorn", "uvloop", "httptools", "stripe", "adyen", "braintree", "confluent-kafka"):
        assert top in image
    entries = re.findall(
        r"^[A-Za-z0-9_.-]+==\S+ \\\n(?:    --hash=sha256:[0-9a-f]{64}[ \\\n]*)+",
        (IMAGE / "requirements.txt").read_text(),
        re.MULTILINE,
    )
    assert len(entries) == len(image)  # every pin carries its hashes (pip --require-hashes)
