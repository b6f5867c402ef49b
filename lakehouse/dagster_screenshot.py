"""`make dagster-screenshot`: a picture of a page of the stack's Dagster UI, taken with headless Chromium
(Debian: `apt-get install chromium`), for the README.

The UI opens a one-time newsletter dialog on a first visit from localhost; this marks it seen the way its
Skip button does (GraphQL `setNuxSeen`), then lets the page render for `--wait` seconds of virtual time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import requests

from lakehouse.outputs import stack_outputs

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--page", default="/assets", help="the UI's path, e.g. /assets or /runs")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "dagster-assets.png")
    parser.add_argument("--size", default="1600,1000", help="window width,height in pixels")
    parser.add_argument("--wait", type=int, default=20, help="seconds of virtual time for the page to render")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no chromium on PATH: `apt-get install chromium` (Debian)")
    url = stack_outputs(args.stack)["dagster_url"]
    requests.post(f"{url}/graphql", json={"query": "mutation { setNuxSeen }"}, timeout=30).raise_for_status()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--window-size={args.size}", f"--virtual-time-budget={args.wait * 1000}",
         f"--screenshot={args.out}", url + args.page],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    print(f"{url}{args.page} -> {args.out}")


if __name__ == "__main__":
    main()
