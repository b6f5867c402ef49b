"""`make flink-sql`: the Flink SQL client in the stack's SQL Gateway container, with the Iceberg catalog
registered and `payments_db` in use, so queries name the tables alone:

    SELECT COUNT(*) FROM payment_charges;
    SELECT rejection_reason, COUNT(*) FROM polaris_catalog.payments_db.quarantine_payment_charges
    GROUP BY rejection_reason;

(`lakehouse` is the catalog's name in the job; `polaris_catalog`, the name Polaris-based setups give it,
names the same catalog, so queries written for those run unchanged.)

With `-e "<statements>"` it runs them and exits instead of opening the prompt.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile

from components.validation import CATALOG_NAME
from flink_jobs.render import catalog_sql, statements
from lakehouse.outputs import stack_outputs
from providers.docker.client import LABEL_STACK, client
from providers.iceberg.catalog import s3_io_properties

INIT = "/tmp/lakehouse-init.sql"
POLARIS_CATALOG_NAME = "polaris_catalog"
SCRIPT = "/tmp/lakehouse-script.sql"


def _put(container, path: str, text: str) -> None:  # noqa: ANN001 (docker SDK container)
    data = text.encode()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo(os.path.basename(path))
        info.size, info.mode = len(data), 0o644
        tar.addfile(info, io.BytesIO(data))
    container.put_archive(os.path.dirname(path), archive.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("-e", "--execute", default="", help="statements to run instead of the prompt")
    args = parser.parse_args()
    outputs = stack_outputs(args.stack, secrets=True)  # an external catalog's OAuth2 credential among them
    only = {"label": [f"{LABEL_STACK}={args.stack}", "io.streaming-lakehouse.component=flink"]}
    gateways = [c for c in client().containers.list(filters=only) if c.name.endswith("-flink-sql-gateway")]
    if not gateways:
        sys.exit(f"no running SQL Gateway container in stack {args.stack}: run `make up` first")
    container = gateways[0]
    catalog = (outputs["iceberg_catalog_internal_uri"], outputs["iceberg_warehouse"])
    # The gateway's S3 key is its AWS_* environment; the endpoint and style are the stack's (the catalog
    # hands out none), then the catalog's auth.
    auth = {
        **s3_io_properties(outputs["s3_internal_endpoint"], outputs["s3_region"], outputs["s3_path_style"]),
        **(outputs.get("iceberg_catalog_client_properties") or {}),
    }
    init = "\n".join(
        [
            catalog_sql(CATALOG_NAME, *catalog, auth).strip(),
            # The same catalog under the name Polaris-based setups use, so their queries run unchanged.
            catalog_sql(POLARIS_CATALOG_NAME, *catalog, auth).strip(),
            f"USE CATALOG {CATALOG_NAME};",
            f"USE {outputs['iceberg_namespace']};",
            # Interactive queries ask what is there now: bounded reads, printed as tables.
            "SET 'execution.runtime-mode' = 'batch';",
            "SET 'sql-client.execution.result-mode' = 'tableau';",
            "",
        ]
    )
    _put(container, INIT, init)
    command = ["docker", "exec", "-i", *(["-t"] if sys.stdin.isatty() and not args.execute else [])]
    # Gateway mode: the client of this very gateway, so the jobs it starts are the cluster's like any other.
    command += [container.name, "/opt/flink/bin/sql-client.sh", "gateway", "--endpoint", "127.0.0.1:8083"]
    command += ["--history", "/tmp/.flink-sql-history", "-i", INIT]
    if args.execute:
        _put(container, SCRIPT, "".join(f"{statement};\n" for statement in statements(args.execute)))
        command += ["-f", SCRIPT]
    sys.exit(subprocess.call(command))


if __name__ == "__main__":
    main()
