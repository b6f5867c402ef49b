"""The docker-compose-style make verbs (`make docker-polaris-init`, `jr-create-topics`, `flink-submit-jobs`,
`docker-jr`, `docker-restart`, `docker-down`) on a stack that `make up` made.

`make up` already declares what such verbs do by hand in a docker-compose setup: the catalog's warehouse
and namespace, the topics, the streaming job, the generators. So each verb says what Pulumi did, then
checks it, or changes only what is missing, and says what it checked or changed:

- `catalog`: the catalog, warehouse, namespace and tables answer; exit 1 when one does not;
- `topics`: every declared topic with its partitions and configs; exit 1 when one is missing;
- `job`: the validation job runs; when it does not, its resource alone is updated through Pulumi
  (`pulumi up --target <its URN>`), which resubmits it from its newest checkpoint or savepoint;
- `generators`: started when stopped, switched on in the stack config and created when all are off;
  then their state, configured rates and each topic's latest event;
- `restart [--service NAME]`: the stack's containers stopped dependents first, started in dependency order,
  each waited for until healthy; then the job checked as `job` does;
- `stop`: the stack's containers stopped, dependents first. Containers, volumes, networks and Pulumi's state
  are kept: `make up` starts them again (the container provider starts a stopped container), and Flink's
  high availability hands the job back to the restarted JobManager.

Run as `python -m lakehouse.verbs <verb> --stack dev` in the environment `make` sets up (Pulumi backend,
passphrase, CLI on PATH).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docker.models.containers
import requests
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, ResourceType
from pulumi import automation as auto
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import NoSuchNamespaceError, RESTError, ServerError
from tenacity import Retrying, retry_if_result, stop_after_delay, wait_fixed

from lakehouse.peek_topics import configured_rates, latest
from lakehouse.status import job_state
from payments.events import EVENT_TYPES
from providers.docker.client import LABEL_STACK, client
from providers.docker.container import wait_until_ready
from providers.errors import ContainerStartError

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = "io.streaming-lakehouse.component"
# Flink's states on the way to RUNNING (or back to it after a TaskManager or JobManager restart).
STARTING = frozenset({"INITIALIZING", "CREATED", "RESTARTING"})
# A JobManager that restarted takes its job back from ZooKeeper, and Flink restarts a job after a lost
# TaskManager, within this; the verbs wait that long before judging the job's state.
JOB_SETTLES_WITHIN_S = 180
STOP_TIMEOUT_S = 30  # as the container provider's delete: Kafka and Flink shut down cleanly well within it
KAFKA_TIMEOUT_S = 10
TOPIC_SETTING = ConfigSource.DYNAMIC_TOPIC_CONFIG.value
JOBMANAGER_SUFFIX = "-flink-jobmanager"  # components/flink.py's name for the JobManager container

Container = docker.models.containers.Container


def select(stack_name: str) -> auto.Stack:
    """The stack `stack_name` of this checkout's program, in the environment's backend."""
    return auto.select_stack(stack_name=stack_name, work_dir=str(ROOT))


def outputs_of(stack: auto.Stack) -> dict[str, Any]:
    """The stack's outputs as plain values, secrets in clear."""
    return {key: value.value for key, value in stack.outputs().items()}


def _resources(stack: auto.Stack, type_suffix: str) -> list[dict[str, Any]]:
    """The stack's resources of one type, in the state's order: each after every resource it depends on."""
    resources = stack.export_stack().deployment.get("resources", [])
    return [r for r in resources if r["type"].endswith(type_suffix)]


def containers_in_order(stack: auto.Stack) -> list[tuple[Container, int]]:
    """The stack's containers with their health wait (seconds), each after the containers it depends on."""
    only = {"label": f"{LABEL_STACK}={stack.name}"}
    live = {c.id: c for c in client().containers.list(all=True, filters=only)}
    return [
        (live[r["id"]], int(r.get("outputs", {}).get("wait_timeout") or 180))
        for r in _resources(stack, "docker:Container")
        if r.get("id") in live
    ]


def check_catalog(outputs: dict[str, Any]) -> bool:
    """`make docker-polaris-init`: print the catalog, warehouse and namespace `make up` declared; True when
    the catalog answers its config endpoint for the warehouse and the namespace holds every table."""
    uri, warehouse = outputs["iceberg_catalog_uri"], outputs["iceberg_warehouse"]
    namespace = outputs["iceberg_namespace"]
    print("`make up` declared the catalog's warehouse, namespace and tables: there is nothing to initialise.")
    print(f"  catalog    {uri} (from containers: {outputs['iceberg_catalog_internal_uri']})")
    print(f"  warehouse  {warehouse}")
    print(f"  namespace  {namespace}")
    # Polaris serves the Iceberg REST API under /api/catalog/; Iceberg's own REST server at the root.
    print(f"  Polaris's {uri}api/catalog/v1/config is {uri}v1/config here")
    expected = [name for e in EVENT_TYPES for name in (e.bronze_table, e.quarantine_table)]
    try:
        # The client asks GET /v1/config?warehouse=... first, and fails when the catalog does not answer.
        catalog = RestCatalog(
            "lakehouse", uri=uri, warehouse=warehouse, **(outputs.get("iceberg_catalog_client_properties") or {})
        )
        print(f"GET {uri}v1/config?warehouse={warehouse}: answered")
        properties = catalog.load_namespace_properties(namespace)
        print(f"namespace {namespace}: exists, {properties or 'no properties'}")
        tables = {identifier[-1] for identifier in catalog.list_tables(namespace)}
    except (NoSuchNamespaceError, RESTError, ServerError, requests.RequestException, OSError) as exc:
        print(f"FAILED: {type(exc).__name__}: {exc}")
        return False
    missing = [name for name in expected if name not in tables]
    print(f"tables in {namespace}: {len(expected) - len(missing)} of the {len(expected)} the job writes")
    for name in missing:
        print(f"  MISSING {name}: `make up` creates it")
    return not missing


def check_topics(outputs: dict[str, Any]) -> bool:
    """`make jr-create-topics`: print every topic `make up` declared with its partitions, replicas and the
    configs set on the topic itself (not the broker's); True when every one exists."""
    declared: list[str] = outputs["kafka_topics"]
    admin = AdminClient(
        {
            **(outputs.get("kafka_client_config") or {}),
            "bootstrap.servers": outputs["kafka_bootstrap_servers"],
            "log_level": 3,
        }
    )
    print("`make up` declared the topics (config `topics`): there is nothing to create.")
    try:
        metadata = admin.list_topics(timeout=KAFKA_TIMEOUT_S)
        present = [t for t in declared if t in metadata.topics and metadata.topics[t].error is None]
        futures = admin.describe_configs([ConfigResource(ResourceType.TOPIC, t) for t in present])
        configs = {resource.name: future.result(timeout=KAFKA_TIMEOUT_S) for resource, future in futures.items()}
    except KafkaException as exc:
        print(f"FAILED: Kafka at {outputs['kafka_bootstrap_servers']}: {exc}")
        return False
    for topic in declared:
        if topic not in present:
            print(f"  {topic:32} MISSING: `make up` creates it")
            continue
        partitions = metadata.topics[topic].partitions
        replicas = min(len(p.replicas) for p in partitions.values())
        # `source` comes as the enum's number: the topic's own settings, not the broker's (min.insync.replicas).
        own = sorted((k, v.value) for k, v in configs[topic].items() if v.source == TOPIC_SETTING)
        set_here = ", ".join(f"{k}={value}" for k, value in own) or "the broker's settings"
        print(f"  {topic:32} partitions {len(partitions)}, replicas {replicas}, {set_here}")
    return len(present) == len(declared)


def _jobmanager_started_s_ago(stack: auto.Stack) -> float | None:
    """Seconds since the stack's JobManager container started; None without one (an external cluster)."""
    only = {"label": [f"{LABEL_STACK}={stack.name}", f"{COMPONENT}=flink"]}
    for container in client().containers.list(filters=only):
        if container.name.endswith(JOBMANAGER_SUFFIX):
            started = datetime.fromisoformat(container.attrs["State"]["StartedAt"])
            return (datetime.now(UTC) - started).total_seconds()
    return None


def _settled_state(stack: auto.Stack, rest_url: str, job_name: str) -> str:
    """The job's state once Flink is done starting or restarting it. A JobManager that started lately may not
    list the job yet while it takes it back from ZooKeeper: MISSING is then waited on too, so the job is not
    submitted a second time beside the recovered one."""
    waiting = set(STARTING)
    uptime = _jobmanager_started_s_ago(stack)
    if uptime is not None and uptime < JOB_SETTLES_WITHIN_S:
        waiting.add("MISSING")
    return Retrying(
        retry=retry_if_result(lambda state: state in waiting),
        stop=stop_after_delay(JOB_SETTLES_WITHIN_S),
        wait=wait_fixed(3),
        retry_error_callback=lambda retry_state: retry_state.outcome.result(),
    )(job_state, rest_url, job_name)


def ensure_job(stack: auto.Stack, on_output: Callable[[str], Any] = print) -> bool:
    """`make flink-submit-jobs`: True when the validation job runs, after resubmitting it through Pulumi if it
    did not (`on_output` gets Pulumi's lines). A job Flink is still starting or restarting is waited for."""
    outputs = outputs_of(stack)
    name, rest_url = outputs["validation_job_name"], outputs["flink_ui_url"]
    print(f"`make up` submits the validation job {name} and resubmits it whenever it is not alive.")
    try:
        state = _settled_state(stack, rest_url, name)
    except (requests.RequestException, ValueError, KeyError) as exc:
        print(f"FAILED: Flink's REST API at {rest_url} does not answer ({exc}): `make docker-up` starts the cluster")
        return False
    if state == "RUNNING":
        print(f"{name}: RUNNING, nothing to submit ({outputs.get('validation_job_url', rest_url)})")
        return True
    if state in STARTING:
        # Pulumi counts a job Flink is restarting as alive: resubmitting it would change nothing.
        print(f"{name}: still {state} after {JOB_SETTLES_WITHIN_S} s; Flink keeps restarting it. Its exceptions:")
        print(f"  {outputs.get('validation_job_url', rest_url).replace('/overview', '/exceptions')}")
        return False
    (job,) = _resources(stack, ":FlinkSqlJob")
    print(f"{name}: {state}. Resubmitting it from its newest checkpoint or savepoint: pulumi up --target {job['urn']}")
    stack.up(target=[job["urn"]], on_output=on_output)
    (job,) = _resources(stack, ":FlinkSqlJob")
    state = job_state(rest_url, name)
    restored = job["outputs"].get("restored_from") or "nothing (a first start)"
    print(f"{name}: {state} as job {job['outputs'].get('job_id')}, restored from {restored}")
    return state == "RUNNING"


def _emitters(container: Container) -> list[str]:
    """The event types one generator container emits (its EMITTERS_SPEC: one `type topic ...` line each)."""
    env = dict(e.split("=", 1) for e in container.attrs["Config"]["Env"])
    return [line.split()[0] for line in env.get("EMITTERS_SPEC", "").splitlines() if line.strip()]


def ensure_generators(stack: auto.Stack, on_output: Callable[[str], Any] = print, latest_events: int = 1) -> bool:
    """`make docker-jr`: start the generators if they are stopped, or switched off in the stack config (every
    one: it then switches them on and runs `pulumi up`); print their state, configured rates and the latest
    `latest_events` events of each topic. True when every declared generator runs."""
    print("The generators are containers `make up` creates from config `generators.<event type>.enabled`.")
    only = {"label": [f"{LABEL_STACK}={stack.name}", f"{COMPONENT}=generators"]}
    dc = client()
    outputs = outputs_of(stack)
    if not outputs.get("generators"):
        print("The stack config switches every one off; switching them on:")
        for event in EVENT_TYPES:
            stack.set_config(f"generators.{event.name}.enabled", auto.ConfigValue("true"), path=True)
            print(f"  pulumi config set --path generators.{event.name}.enabled true")
        print("and `pulumi up`: it creates the generators' image and containers (and applies any other change).")
        stack.up(on_output=on_output)
        outputs = outputs_of(stack)
    containers = dc.containers.list(all=True, filters=only)
    for container in containers:
        if container.status != "running":
            print(f"starting {container.name} ({container.status})")
            container.start()
    ok = True
    for container in containers:
        try:
            wait_until_ready(dc, container.id, container.name, 60)
        except ContainerStartError as exc:
            ok = False
            print(f"FAILED: {exc}")
    containers = dc.containers.list(all=True, filters=only)
    on = {event for c in containers for event in _emitters(c)}
    for container in containers:
        print(f"  {container.name:40} {container.status}, emits {', '.join(_emitters(container))}")
    for event in EVENT_TYPES:
        if event.name not in on:
            print(
                f"  {event.name} is switched off: `pulumi config set --path generators.{event.name}.enabled true`"
                " then `make up`"
            )
    print("configured rates, exact duplicates included (`make generators-rates` measures them)")
    for topic, rate in configured_rates(containers).items():
        print(f"  {topic:32} {rate:.2f} events/s")
    if latest_events:
        print("latest events")
        for topic in configured_rates(containers):
            for value in latest(outputs["kafka_bootstrap_servers"], topic, latest_events)[-latest_events:]:
                print(f"  {topic}: {value[:240]}")
    return ok and bool(containers) and all(c.status == "running" for c in containers)


def restart_containers(stack: auto.Stack, service: str | None = None) -> bool:
    """Restart the stack's containers (only those named `*-<service>` with a service): dependents stopped first,
    then each started once what it depends on is healthy. True when every one is healthy again."""
    chosen = [(c, t) for c, t in containers_in_order(stack) if service is None or c.name.endswith(f"-{service}")]
    if not chosen:
        print(f"no container of stack {stack.name}" + (f" named *-{service}" if service else "") + ": `make up` first")
        return False
    print(f"restarting {len(chosen)} container(s) of stack {stack.name}, dependents stopped first")
    for container, _ in reversed(chosen):
        container.stop(timeout=STOP_TIMEOUT_S)
        print(f"  stopped {container.name}")
    dc = client()
    for container, timeout_s in chosen:
        started = time.monotonic()
        container.start()
        try:
            wait_until_ready(dc, container.id, container.name, timeout_s)
        except ContainerStartError as exc:
            print(f"FAILED: {exc}")
            return False
        ready = "healthy" if container.attrs["Config"].get("Healthcheck") else "running (it has no health check)"
        print(f"  started {container.name}: {ready} after {time.monotonic() - started:.0f} s")
    return True


def restart(stack: auto.Stack, service: str | None = None, on_output: Callable[[str], Any] = print) -> bool:
    """`make docker-restart`: `restart_containers`, then the job checked (and resubmitted if need be) as
    `ensure_job` does: a restarted Kafka, catalog or JobManager makes Flink restart or recover it."""
    return restart_containers(stack, service) and ensure_job(stack, on_output)


def stop(stack: auto.Stack) -> bool:
    """`make docker-down`: stop the stack's containers, dependents first; nothing is removed. True when all
    are stopped."""
    chosen = [c for c, _ in containers_in_order(stack)]
    print(
        f"stopping the {len(chosen)} containers of stack {stack.name}, dependents first. Containers, volumes, "
        "networks and Pulumi's state stay: `make docker-up` starts them again (on the same host ports, freed "
        "meanwhile); `make down` destroys the stack."
    )
    for container in reversed(chosen):
        if container.status == "running":
            container.stop(timeout=STOP_TIMEOUT_S)
            print(f"  stopped {container.name}")
        else:
            print(f"  {container.name}: already {container.status}")
    for container in chosen:
        container.reload()
    return all(c.status != "running" for c in chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("verb", choices=["catalog", "topics", "job", "generators", "restart", "stop"])
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--service", help="restart: only the containers named *-SERVICE (kafka, trino, ...)")
    args = parser.parse_args()
    stack = select(args.stack)
    if not stack.outputs():
        sys.exit(f"stack {args.stack} has no outputs: `make up` first (or wait until the running one ends)")
    verbs: dict[str, Callable[[], bool]] = {
        "catalog": lambda: check_catalog(outputs_of(stack)),
        "topics": lambda: check_topics(outputs_of(stack)),
        "job": lambda: ensure_job(stack),
        "generators": lambda: ensure_generators(stack),
        "restart": lambda: restart(stack, args.service or None),
        "stop": lambda: stop(stack),
    }
    sys.exit(0 if verbs[args.verb]() else 1)


if __name__ == "__main__":
    main()
