"""`FlinkSqlJob`: one streaming SQL job (setup statements plus one statement set) on a Flink session
cluster, submitted through the SQL Gateway and watched through the JobManager's REST API.

Its state is never thrown away. Checkpoints and savepoints go to a directory of the job's own in the
bucket; a new submission resumes from the newest one there, so the job continues where it stopped
after an update (stop with savepoint, resubmit), a failed or vanished job (`pulumi up` resubmits it),
or a cluster that was destroyed and created again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pulumi
from minio import Minio
from minio.error import MinioException
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from providers.errors import FlinkSqlError
from providers.flink.gateway import session
from providers.flink.rest import FlinkRest
from providers.polling import poll_until
from providers.progress import URN_KEY, Progress, own_urn
from providers.props import to_props

# States in which the job is alive or Flink itself is bringing it back (after a TaskManager loss, say).
ALIVE = frozenset({"INITIALIZING", "CREATED", "RUNNING", "RESTARTING"})
START_TIMEOUT_S = 300
# A savepoint of a job that is behind (a loaded machine, a backlog after downtime) takes a while; it is
# tried this many times before the job is cancelled and left to resume from its newest checkpoint.
SAVEPOINT_TIMEOUT_S = 300
SAVEPOINT_ATTEMPTS = 3


@dataclass
class StateStore:
    """Where the job's checkpoints and savepoints live, as this machine reaches the bucket."""

    endpoint: pulumi.Input[str]  # http://127.0.0.1:9000
    bucket: pulumi.Input[str]
    access_key: pulumi.Input[str]
    secret_key: pulumi.Input[str]
    prefix: str = "_flink"


@dataclass
class FlinkSqlJobArgs:
    name: str  # pipeline.name, and the job's directory under the state store
    sql_gateway_url: pulumi.Input[str]
    rest_url: pulumi.Input[str]  # the JobManager's REST API
    setup: pulumi.Input[list[str]]  # catalogs, sources, views: run first, in order, in the submitting session
    inserts: list[str]  # one statement set: all of them run as one job
    state_store: StateStore
    settings: dict[str, str] = field(default_factory=dict)  # job configuration (SET key = value)
    # The JobManager container: a new one starts with no jobs, so the job is submitted again.
    cluster_id: pulumi.Input[str] = ""
    # Setup statements that carry credentials (a Kafka source with a SASL password, a catalog with an
    # OAuth2 credential), run before `setup`: given as a secret, they keep `setup` readable in previews.
    connections: pulumi.Input[list[str]] | None = None


def _dirs(props: dict[str, Any]) -> tuple[str, str]:
    st = props["state_store"]
    base = f"s3://{st['bucket']}/{st['prefix']}"
    return f"{base}/checkpoints/{props['name']}", f"{base}/savepoints/{props['name']}"


def latest_restore_point(props: dict[str, Any]) -> str | None:
    """The newest complete checkpoint or savepoint of this job (one whose `_metadata` was written)."""
    st = props["state_store"]
    url = urlparse(st["endpoint"])
    client = Minio(url.netloc, access_key=st["access_key"], secret_key=st["secret_key"], secure=url.scheme == "https")
    newest: tuple[Any, str] | None = None
    try:
        for directory in _dirs(props):
            prefix = directory.removeprefix(f"s3://{st['bucket']}/") + "/"
            for obj in client.list_objects(st["bucket"], prefix=prefix, recursive=True):
                if obj.object_name.endswith("/_metadata") and (newest is None or obj.last_modified > newest[0]):
                    newest = (obj.last_modified, obj.object_name.removesuffix("/_metadata"))
    except MinioException as exc:
        raise FlinkSqlError(f"listing checkpoints and savepoints of {props['name']} in {st['bucket']}: {exc}") from exc
    return f"s3://{st['bucket']}/{newest[1]}" if newest else None


def _rest(props: dict[str, Any]) -> FlinkRest:
    return FlinkRest(props["rest_url"], "Flink JobManager")


def job_state(props: dict[str, Any], job_id: str | None) -> str:
    """Flink's state of the job, MISSING if the cluster does not know it, UNREACHABLE if it does not answer."""
    if not job_id:
        return "MISSING"
    try:
        response = _rest(props).request("GET", f"/jobs/{job_id}", ok_statuses=(404,))
    except FlinkSqlError:
        return "UNREACHABLE"
    if response.status_code == 404:
        return "MISSING"
    return str(response.json()["state"])


def _root_cause(props: dict[str, Any], job_id: str) -> str:
    try:
        response = _rest(props).request("GET", f"/jobs/{job_id}/exceptions")
    except FlinkSqlError:
        return "no exception recorded"
    history = response.json().get("exceptionHistory", {}).get("entries", [])
    text = history[0].get("stacktrace", "") if history else response.json().get("root-exception", "") or ""
    causes = [line.strip() for line in text.splitlines() if line.startswith("Caused by:")]
    return (causes[-1] if causes else text.splitlines()[0] if text else "no exception recorded")[:1500]


def _wait_running(props: dict[str, Any], job_id: str) -> None:
    """Until every task of the job runs; a job that fails or keeps restarting is an error with Flink's cause."""
    state, tasks = "?", ""
    rest = _rest(props)
    progress = Progress(props)

    def check() -> bool | None:
        """True once every task runs, False once the job ended, None while it starts."""
        nonlocal state, tasks
        job = rest.json("GET", f"/jobs/{job_id}")
        state = job.get("state", "?")
        running = sum(v.get("status") == "RUNNING" for v in job.get("vertices", []))
        tasks = f"{running} of {len(job.get('vertices', []))} tasks running"
        if state == "RUNNING" and all(v.get("status") == "RUNNING" for v in job.get("vertices", [])):
            return True
        return False if state in ("FAILED", "CANCELED", "FINISHED", "SUSPENDED") else None

    def report(waited_s: float) -> None:
        progress.status(f"waiting for job {job_id} to run: {state}, {tasks}, {waited_s:.0f}s of {START_TIMEOUT_S}s")

    if poll_until(check, START_TIMEOUT_S, 1, report):
        return
    raise FlinkSqlError(f"job {props['name']} ({job_id}) is {state}, not running: {_root_cause(props, job_id)}")


def stop_with_savepoint(props: dict[str, Any], job_id: str) -> str:
    """Stop the job after a savepoint in its savepoint directory; return the savepoint's location.

    Raises `FlinkSqlError` when Flink refuses or fails the savepoint, or it takes over `SAVEPOINT_TIMEOUT_S`.
    """
    _, savepoints = _dirs(props)
    rest = _rest(props)
    body = {"targetDirectory": savepoints, "drain": False}
    request_id = rest.json("POST", f"/jobs/{job_id}/stop", body)["request-id"]
    progress = Progress(props)

    def check() -> str | None:
        """The savepoint's location once it completed, None while it is taken; FlinkSqlError if it failed."""
        result = rest.json("GET", f"/jobs/{job_id}/savepoints/{request_id}")
        if result.get("status", {}).get("id") != "COMPLETED":
            return None
        operation = result.get("operation", {})
        if "location" in operation:
            return str(operation["location"])
        cause = operation.get("failure-cause", {}).get("stack-trace", "")
        raise FlinkSqlError(f"savepoint of job {job_id} failed: {cause.splitlines()[0] if cause else operation}")

    def report(waited_s: float) -> None:
        progress.status(f"stopping job {job_id} with a savepoint: {waited_s:.0f}s of {SAVEPOINT_TIMEOUT_S}s")

    location = poll_until(check, SAVEPOINT_TIMEOUT_S, 1, report)
    if location is not None:
        return location
    raise FlinkSqlError(f"savepoint of job {job_id} did not complete within {SAVEPOINT_TIMEOUT_S}s")


def _halt(props: dict[str, Any], job_id: str | None) -> str | None:
    """Stop a live job, keeping its state: a savepoint if Flink can take one, else cancel (the last
    checkpoint is retained on cancellation). Returns the savepoint, if one was taken."""
    if not job_id or job_state(props, job_id) not in ALIVE:
        return None
    for attempt in range(1, SAVEPOINT_ATTEMPTS + 1):
        try:
            # A savepoint needs every task running: a job still restarting (after a TaskManager loss) or
            # still starting would refuse it.
            _wait_running(props, job_id)
            return stop_with_savepoint(props, job_id)
        except FlinkSqlError as exc:
            Progress(props).warn(f"stop-with-savepoint of {props['name']} ({job_id}), attempt {attempt}: {exc}")
            if job_state(props, job_id) not in ALIVE:
                return None
    Progress(props).warn(
        f"no savepoint of {props['name']} after {SAVEPOINT_ATTEMPTS} attempts: cancelling it; "
        "its next run resumes from its newest retained checkpoint (see its restored_from output)"
    )
    cancel(props, job_id)
    return None


def cancel(props: dict[str, Any], job_id: str) -> None:
    """Cancel the job without a savepoint (its newest checkpoint is retained); a job Flink no longer knows is fine."""
    _rest(props).request("PATCH", f"/jobs/{job_id}?mode=cancel", ok_statuses=(404,))


def submit(props: dict[str, Any], restore_from: str | None) -> str:
    checkpoints, savepoints = _dirs(props)
    config = {
        **(props.get("settings") or {}),
        "pipeline.name": props["name"],
        "execution.checkpointing.dir": checkpoints,
        "execution.checkpointing.savepoint-dir": savepoints,
    }
    if restore_from:
        # A changed query may leave some old operator state without a home; the sources' offsets are kept.
        config["execution.state-recovery.path"] = restore_from
        config["execution.state-recovery.ignore-unclaimed-state"] = "true"
    statement_set = "EXECUTE STATEMENT SET\nBEGIN\n" + ";\n".join(props["inserts"]) + ";\nEND"
    with session(props["sql_gateway_url"], config) as s:
        for statement in [*(props.get("connections") or []), *props["setup"]]:
            s.execute(statement)
        rows = s.execute(statement_set)
    if not rows or "job id" not in rows[0]:
        raise FlinkSqlError(f"the SQL Gateway submitted {props['name']} but returned no job id: {rows}")
    job_id = str(rows[0]["job id"])
    _wait_running(props, job_id)
    return job_id


def _refuse_a_namesake(props: dict[str, Any]) -> None:
    """A new job must not share its name with a live job of the cluster (another stack's, on a shared
    cluster): the name is its state's directory, so it would resume from the other job's checkpoints and
    read its topics from there. Raises `FlinkSqlError` naming that job."""
    jobs = _rest(props).json("GET", "/jobs/overview").get("jobs", [])
    namesakes = [j["jid"] for j in jobs if j.get("name") == props["name"] and j.get("state") in ALIVE]
    if namesakes:
        raise FlinkSqlError(
            f"a job named {props['name']} already runs on {props['rest_url']} ({', '.join(namesakes)}), and a "
            "job's name is its checkpoints' directory: give this stack's job another (config flink.jobName)"
        )


def _started(props: dict[str, Any], restore_from: str | None) -> dict[str, Any]:
    job_id = submit(props, restore_from)
    return {
        **props,
        "job_id": job_id,
        "state": "RUNNING",
        "restored_from": restore_from or "",
        "ui_url": f"{props['rest_url'].rstrip('/')}/#/job/running/{job_id}/overview",
    }


class FlinkSqlJobProvider(ResourceProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        inserts = news.get("inserts")
        if not isinstance(inserts, list):  # not known yet in a preview
            return CheckResult(news, failures)
        if not inserts:
            failures.append(CheckFailure("inserts", "a job needs at least one INSERT statement"))
        for i, statement in enumerate(inserts):
            if not statement.lstrip().upper().startswith("INSERT"):
                failures.append(CheckFailure("inserts", f"statement {i + 1} is not an INSERT: {statement[:80]!r}"))
        return CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        _refuse_a_namesake(props)
        # A job of this name may have run before (a destroyed cluster, an earlier stack): continue from it.
        return CreateResult(props["name"], _started(props, latest_restore_point(props)))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = (
            "name",
            "sql_gateway_url",
            "rest_url",
            "connections",
            "setup",
            "inserts",
            "settings",
            "state_store",
            "cluster_id",
        )
        changes = [k for k in keys if olds.get(k) != news.get(k)]
        # A job that failed or vanished (its cluster was recreated, say) is submitted again.
        if not changes and job_state(news, olds.get("job_id")) not in ALIVE:
            changes.append("state")
        # A new JobManager means a new cluster: the job is deleted first (stopped with a savepoint while the
        # old cluster still runs) and created on the new one from that savepoint. Never two at once: they
        # would read the same topics and write every event twice.
        replaces = [k for k in changes if k in ("name", "cluster_id")]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=True)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        savepoint = _halt(olds, olds.get("job_id"))
        return UpdateResult(_started(news, savepoint or latest_restore_point(news)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, {**props, "state": job_state(props, props.get("job_id"))})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        # The savepoint stays in the bucket: a later job of this name resumes from it.
        _halt(props, props.get("job_id"))


class FlinkSqlJob(Resource, module="flink", name="FlinkSqlJob"):
    job_id: pulumi.Output[str]
    state: pulumi.Output[str]
    ui_url: pulumi.Output[str]
    restored_from: pulumi.Output[str]

    def __init__(self, resource_name: str, args: FlinkSqlJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {**to_props(args), "job_id": None, "state": None, "ui_url": None, "restored_from": None}
        props[URN_KEY] = own_urn(FlinkSqlJob, resource_name, opts)
        super().__init__(FlinkSqlJobProvider(), resource_name, props, opts)
