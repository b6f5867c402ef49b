"""The outputs of a stack of this project, as the make targets and the stack tests read them."""

from __future__ import annotations

import json
import subprocess
from typing import Any


def stack_outputs(stack: str, secrets: bool = False) -> dict[str, Any]:
    """`pulumi stack output --json` of `stack` (with `secrets`, the secret ones in clear). Needs the
    environment `make` sets up (backend, passphrase, the pulumi CLI on PATH); raises
    `subprocess.CalledProcessError` when the stack does not exist."""
    command = ["pulumi", "stack", "output", "--json", "--stack", stack, *(["--show-secrets"] if secrets else [])]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
