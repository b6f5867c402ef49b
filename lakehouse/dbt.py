"""`make dbt ARGS="build"`: dbt in the stack's dbt image, on the stack's network, against the stack's Trino.

The project (`dbt/`) is mounted at /dbt, so an edit to a model takes effect on the next run; the connection
comes from the stack's outputs (`trino_internal_url`), never from a file. The exit code is dbt's.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from lakehouse.outputs import stack_outputs
from providers.docker.client import LABEL_PROJECT, LABEL_STACK, client

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt"


def run_dbt(outputs: dict[str, Any], stack: str, args: Sequence[str], echo: bool = True) -> tuple[int, str]:
    """Run `dbt <args>` in a one-off container of the stack; (dbt's exit code, its output)."""
    trino = urlparse(outputs["trino_internal_url"])
    container = client().containers.run(
        outputs["dbt_image"],
        command=list(args),
        network=outputs["network"],
        volumes={str(PROJECT_DIR): {"bind": "/dbt", "mode": "rw"}},
        environment={
            "DBT_TRINO_HOST": trino.hostname,
            "DBT_TRINO_PORT": str(trino.port),
            "DBT_SOURCE_NAMESPACE": outputs["iceberg_namespace"],
        },
        # target/ and logs/ in the checkout stay the invoking user's.
        user=f"{os.getuid()}:{os.getgid()}",
        labels={LABEL_PROJECT: "streaming-lakehouse", LABEL_STACK: stack, "io.streaming-lakehouse.component": "dbt"},
        detach=True,
    )
    lines = []
    try:
        for chunk in container.logs(stream=True, follow=True):
            text = chunk.decode(errors="replace")
            lines.append(text)
            if echo:
                sys.stdout.write(text)
                sys.stdout.flush()
        return container.wait()["StatusCode"], "".join(lines)
    finally:
        container.remove(force=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER, help="what follows `dbt` (default: build)")
    args = parser.parse_args()
    outputs = stack_outputs(args.stack)
    code, _ = run_dbt(outputs, args.stack, args.dbt_args or ["build"])
    sys.exit(code)


if __name__ == "__main__":
    main()
