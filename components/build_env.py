"""Client settings of this machine that image builds must share.

Registry clients inside a build use their defaults; when this machine's clients are configured
otherwise (a Go module proxy mirror, say), the build gets the same settings, read here at preview.
"""

from __future__ import annotations

import json
import shutil
import subprocess

GO_SETTINGS = ("GOPROXY", "GOSUMDB", "GONOSUMDB", "GOFLAGS")


def host_go_env() -> dict[str, str]:
    """The Go client's settings on this machine, or {} (Go's own defaults) without a Go toolchain."""
    if shutil.which("go") is None:
        return {}
    done = subprocess.run(["go", "env", "-json", *GO_SETTINGS], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {}
    return {k: v for k, v in json.loads(done.stdout).items() if v}
