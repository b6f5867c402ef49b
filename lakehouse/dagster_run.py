"""`make dq` and `make maintenance`: run a job of the stack's Dagster now, in its code server, as the
README's plain command does; then print the outcome of every asset check the run executed. Exits 1 when
the run failed or one of its checks did.

    docker exec <namePrefix>-dagster-code dagster job execute -m orchestration.definitions -j <job>
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from typing import Any

from lakehouse.dagster_checks import CheckOutcome, latest_checks, line
from lakehouse.outputs import stack_outputs
from providers.docker.client import client

RUN_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@dataclass(frozen=True)
class JobRun:
    exit_code: int  # `dagster job execute`'s: 0 when the run succeeded
    run_id: str | None  # None when the run never started
    log: str  # what the command printed
    checks: list[CheckOutcome]  # the asset checks this run executed, failed first

    @property
    def failed(self) -> bool:
        return bool(self.exit_code) or self.run_id is None or any(c.failed for c in self.checks)


def run_job(outputs: dict[str, Any], job: str) -> JobRun:
    """Run `job` to its end in the stack's code server (`outputs`: the stack's outputs, plain values)."""
    container = client().containers.get(outputs["dagster_code_server_container"])
    code, output = container.exec_run(["dagster", "job", "execute", "-m", "orchestration.definitions", "-j", job])
    log = output.decode(errors="replace")
    # Every event line names the run: `<job> - <run id> - ...`.
    found = re.search(rf"{job} - ({RUN_ID}) -", log)
    run_id = found.group(1) if found else None
    checks = [c for c in latest_checks(outputs["dagster_url"]) if run_id and c.run_id == run_id]
    return JobRun(code, run_id, log, sorted(checks, key=lambda c: (not c.failed, not c.warned, c.asset, c.check)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("job", help="payment_dq_monitoring_job, dbt_build_job or table_maintenance_job")
    args = parser.parse_args()
    outputs = stack_outputs(args.stack)
    if "dagster_url" not in outputs:
        raise SystemExit(f"stack {args.stack!r} runs no Dagster (dagster.enabled, trino.enabled): nothing to run")
    print(f"$ docker exec {outputs['dagster_code_server_container']} dagster job execute"
          f" -m orchestration.definitions -j {args.job}", flush=True)  # fmt: skip
    run = run_job(outputs, args.job)
    print("\n".join(run.log.splitlines()[-15:]))  # the run's end; the whole log is in the UI
    print(f"\n{args.job} run {run.run_id}: exit code {run.exit_code}, {len(run.checks)} checks, "
          f"{sum(c.failed for c in run.checks)} failed, {sum(c.warned for c in run.checks)} warned")  # fmt: skip
    for c in run.checks:
        print(" ", line(c))
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
