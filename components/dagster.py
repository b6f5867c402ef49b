"""`Dagster`: orchestration and Layer 3 monitoring. One image (`images/dagster`: Dagster, dagster-dbt, the
code location `orchestration/` and the dbt project) runs as three containers: the code server (where runs
execute: checks, dbt builds, table maintenance), the daemon (schedules, the run queue) and the webserver
(the UI on `dagster.port`). The instance's storage is a PostgreSQL database of its own, with its own role.

Everything the code location needs from the stack reaches it as `LAKEHOUSE_*` variables
(`orchestration/settings.py`): Trino by name on the stack network, the thresholds and retentions of
the `dagster` config section, the event types whose generator runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.service import ServiceArgs, postgres_database, service_image, when_ready
from config import StackSettings, duration_seconds
from orchestration.settings import LakehouseSettings
from providers.docker import Container, ContainerArgs, ContainerPort, Healthcheck, NetworkAttachment

CODE_SERVER_HOST = "dagster-code"  # as images/dagster/workspace.yaml names it
CODE_SERVER_PORT = 4000
DB_NAME = "dagster"  # database and role of the instance's storage
WEBSERVER_PORT = 3000
# Measured idle on the dev stack (2026-12-02): webserver 135 MiB, daemon 108 MiB, PostgreSQL 37 MiB; the
# limits leave room for a busy UI and schedule ticks. The code server, which runs the jobs, is sized by
# dagster.memoryMb.
WEBSERVER_MEMORY_MB = 768
DAEMON_MEMORY_MB = 512
DB_MEMORY_MB = 256


@dataclass
class DagsterArgs(ServiceArgs):
    # Trino as containers reach it (`Trino.internal_host`, `http_port`, `catalog`): every check and run
    # queries through it, so the code server starts once they are known.
    trino_host: pulumi.Input[str]
    trino_port: pulumi.Input[int]
    trino_catalog: pulumi.Input[str]  # Trino's name for the Iceberg connector


def lakehouse_settings(settings: StackSettings, trino_host: str, trino_port: int, catalog: str) -> LakehouseSettings:
    """The code location's settings from the stack's."""
    d = settings.dagster
    return LakehouseSettings(
        trino_host=trino_host,
        trino_port=trino_port,
        trino_catalog=catalog,
        namespace=settings.catalog.namespace,
        quarantine_max_per_hour=d.quarantine_max_per_hour,
        dq_score_floor=d.dq_score_floor,
        suspicious_rate_max=d.suspicious_rate_max,
        freshness_max_age_s=duration_seconds(d.freshness_max_age),
        generated_event_types=tuple(g.event_type for g in settings.generators if g.enabled),
        schedules_running=d.schedules_running,
        maintenance_cron=d.maintenance.schedule,
        snapshot_retention=d.maintenance.snapshot_retention,
        orphan_file_retention=d.maintenance.orphan_file_retention,
    )


class Dagster(pulumi.ComponentResource):
    url: str  # the UI as this machine reaches it
    code_server_container: pulumi.Output[str]  # where `make dq` runs the job

    def __init__(self, name: str, args: DagsterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("streaming-lakehouse:index:Dagster", name, None, opts)
        s = args.settings
        d = s.dagster
        child = pulumi.ResourceOptions(parent=self)
        db = postgres_database(name, args, "dagster", DB_NAME, "dagster", DB_MEMORY_MB, self)
        image = service_image(name, "dagster", s, args.base_image_ref, child).image_ref
        # What every process needs: the instance's storage (images/dagster/dagster.yaml).
        instance_env = {"DAGSTER_PG_HOST": db.host, "DAGSTER_PG_DB": db.name, "DAGSTER_PG_USER": db.name}

        def process(role: str, command: list[str], opts: pulumi.ResourceOptions, **more: Any) -> Container:
            envs = {**instance_env, **more.pop("envs", {})}
            return Container(
                f"{name}-{role}",
                ContainerArgs(
                    name=s.docker_name(f"dagster-{role}"),
                    image=image,
                    labels=s.labels("dagster"),
                    command=command,
                    envs=envs,
                    secret_envs={"DAGSTER_PG_PASSWORD": db.password},
                    **more,
                ),
                opts,
            )

        code = pulumi.Output.all(args.trino_host, args.trino_port, args.trino_catalog).apply(
            lambda trino: lakehouse_settings(s, *trino).env()
        )
        serve = f"dagster code-server start -h 0.0.0.0 -p {CODE_SERVER_PORT} -m orchestration.definitions"
        self.code_server = process(
            "code",
            serve.split(),
            pulumi.ResourceOptions(parent=self, depends_on=[db.container]),
            hostname=CODE_SERVER_HOST,
            envs={
                **{name: code[name] for name in LakehouseSettings.env_names()},
                # dbt's profile (dbt/profiles.yml) and sources (the stack's namespace).
                "DBT_TRINO_HOST": args.trino_host,
                "DBT_TRINO_PORT": pulumi.Output.from_input(args.trino_port).apply(str),
                "DBT_SOURCE_NAMESPACE": s.catalog.namespace,
            },
            networks_advanced=[NetworkAttachment(name=args.network_name, aliases=[CODE_SERVER_HOST])],
            memory=d.memory_mb,
            # A TCP connect: `dagster api grpc-health-check` would import Dagster every 30 s.
            healthcheck=Healthcheck(tests=["CMD", "python3", "-c", _TCP_PROBE.format(port=CODE_SERVER_PORT)]),
        )
        after_code = pulumi.ResourceOptions(parent=self, depends_on=[db.container, self.code_server])
        workspace = ["-w", "/opt/dagster/home/workspace.yaml"]
        network = [NetworkAttachment(name=args.network_name)]
        self.daemon = process(
            "daemon",
            ["dagster-daemon", "run", *workspace],
            after_code,
            networks_advanced=network,
            memory=DAEMON_MEMORY_MB,
        )
        self.webserver = process(
            "webserver",
            ["dagster-webserver", "-h", "0.0.0.0", "-p", str(WEBSERVER_PORT), *workspace],
            after_code,
            ports=[ContainerPort(internal=WEBSERVER_PORT, external=d.port, ip=s.bind_address)],
            networks_advanced=network,
            memory=WEBSERVER_MEMORY_MB,
            healthcheck=Healthcheck(tests=["CMD", "python3", "-c", _HTTP_PROBE.format(port=WEBSERVER_PORT)]),
        )
        self.url = f"http://{s.bind_address}:{d.port}"
        self.code_server_container = when_ready(self.code_server, s.docker_name("dagster-code"))
        self.register_outputs({"url": self.url})


_TCP_PROBE = "import socket; socket.create_connection(('127.0.0.1', {port}), 5).close()"
_HTTP_PROBE = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/server_info', timeout=5)"
