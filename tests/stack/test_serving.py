"""The serving layer on the shared stack: Trino answers the analytics queries of dbt/analyses as written,
and dbt builds silver and gold from what the generators and the pipeline tests sent, keeping every row
accounted for.

dbt runs as `make dbt` runs it (lakehouse/dbt.py: the stack's dbt image on the stack network). The module runs
after the pipeline tests, so the generators have been writing for a while; the crafted events it sends
itself are judged on a run after they land.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trino
from confluent_kafka import Consumer, TopicPartition
from tenacity import retry, retry_if_result, stop_after_delay, wait_fixed

from lakehouse.dbt import run_dbt
from lakehouse.lake import Lake
from payments.cases import valid_event
from payments.events import EVENT_TYPES
from payments.problems import DEFAULT_RATES
from providers.docker.client import LABEL_STACK, client
from tests.stack.conftest import ThrowawayStack
from tests.stack.ground_truth import Key, Sender, landed_once_caught_up, wait_caught_up

ANALYSES = Path(__file__).resolve().parents[2] / "dbt" / "analyses"
ANALYTICS_QUERIES = sorted(ANALYSES.glob("guide_*.sql"))
SQL_TIME = "%Y-%m-%d %H:%M:%S.000"
COMPONENT = "io.streaming-lakehouse.component"
MIN_EVENTS = 2000  # to judge the exact-duplicate rate within 2 points
# The suspicious patterns silver flags, per table, as the dbt models name their flag columns.
FLAGS = {
    "charges": {"is_zero_or_sub_cent_success", "is_risk_level_inconsistent", "is_card_country_invalid",
                "is_status_inconsistent", "is_unknown_customer", "is_unknown_merchant"},
    "refunds": {"is_exceeding_charge", "is_unknown_charge", "is_status_inconsistent", "is_unknown_customer",
                "is_unknown_merchant"},
    "disputes": {"is_unknown_charge", "is_status_inconsistent", "is_unknown_customer", "is_unknown_merchant"},
}  # fmt: skip

pytestmark = [pytest.mark.docker, pytest.mark.stack]


@pytest.fixture(scope="module")
def outputs(shared_stack) -> dict[str, Any]:
    return {k: v.value for k, v in shared_stack[1].outputs.items()}


@pytest.fixture(scope="module")
def query(outputs):
    url = outputs["trino_url"].removeprefix("http://")
    host, port = url.split(":")
    connection = trino.dbapi.connect(host=host, port=int(port), user="tests", catalog="iceberg")

    def run(sql: str) -> list[tuple]:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall()

    yield run
    connection.close()


@pytest.fixture(scope="module")
def generated(query) -> int:
    """Wait until every type's events have landed and, in all, enough to judge the duplicate rate: the module
    then runs on its own as it does after the pipeline tests (as after minutes of generators).
    Returns the records landed, bronze and quarantine."""
    tables = [f"payments_db.{t}" for e in EVENT_TYPES for t in (e.topic, f"quarantine_{e.topic}")]
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)

    def landed() -> dict[str, int]:
        return dict(query(counts))

    def short(rows: dict[str, int]) -> bool:
        valid = [rows[f"payments_db.{e.topic}"] for e in EVENT_TYPES]  # what silver's duplicates come from
        return sum(valid) < MIN_EVENTS or not all(valid)

    wait = retry(stop=stop_after_delay(1200), wait=wait_fixed(10), retry=retry_if_result(short),
                 retry_error_callback=lambda state: state.outcome.result())  # fmt: skip
    rows = wait(landed)()
    assert not short(rows), f"after 20 minutes of generators: {rows}"
    return sum(rows.values())


def test_the_three_analytics_queries_are_here():
    assert [q.stem for q in ANALYTICS_QUERIES] == [
        "guide_dispute_patterns",
        "guide_provider_performance",
        "guide_refund_analytics",
    ]


@pytest.mark.parametrize("path", ANALYTICS_QUERIES, ids=lambda p: p.stem)
def test_the_analytics_queries_run_as_written_and_return_rows(query, generated, path):
    sql = "\n".join(line for line in path.read_text().splitlines() if not line.startswith("--"))
    rows = query(sql)
    assert rows, f"{path.name} returned no rows"
    assert all(row[0] for row in rows), "every row names its provider"


def test_make_trino_runs_an_analytics_query_in_the_cli(outputs, generated):
    """What `make trino SQL=...` runs: the CLI inside the Trino container, on the `iceberg` catalog."""
    sql = "\n".join(line for line in ANALYTICS_QUERIES[1].read_text().splitlines() if not line.startswith("--"))
    container = client().containers.get(outputs["trino_container"])
    result = container.exec_run(["trino", "--catalog", "iceberg", "--execute", sql])
    assert result.exit_code == 0, result.output.decode()
    assert result.output.decode().strip(), "the CLI printed no rows"


# --- dbt: silver and gold -------------------------------------------------------------------------------


def topic_ends(bootstrap: str, topics: list[str]) -> list[Key]:
    """The last record of every partition of these topics, as it is now."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "serving-tests", "enable.auto.commit": False})
    try:
        out = []
        for topic in topics:
            for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
                _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                if high > 0:
                    out.append((topic, p, high - 1))
        return out
    finally:
        consumer.close()


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime(SQL_TIME)


class Crafted:
    """Events with a known expected silver outcome, one for each suspicious pattern and a clean one."""

    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:8]
        now, charge = _ago(0), f"ch_{self.tag}_base"
        # No sub-cent charge: bronze refuses an amount finer than its currency's minor unit
        # (INVALID_AMOUNT_PRECISION), so is_zero_or_sub_cent_success is left to dbt's own unit test.
        self.charges = {  # event id -> the one flag it must raise (None: no flag)
            self._id("clean"): (None, {"charge_id": charge, "amount": 10.0, "created_at": now, "updated_at": now}),
            self._id("risk"): ("is_risk_level_inconsistent", {"risk_score": 95, "risk_level": "low"}),
            self._id("country"): ("is_card_country_invalid", {"card_country": "XX"}),
            self._id("status"): ("is_status_inconsistent", {"event_type": "charge.succeeded", "status": "failed"}),
            self._id("customer"): ("is_unknown_customer", {"customer_id": "cus_999999"}),
        }
        self.late_charge = self._id("late")  # created three days ago, sent now
        self.refunds = {
            self._id("refund-over"): ("is_exceeding_charge", {"charge_id": charge, "amount": 25.0}),
            self._id("refund-unknown"): ("is_unknown_charge", {"charge_id": f"ch_{self.tag}_nowhere"}),
            self._id("refund-ok"): (None, {"charge_id": charge, "amount": 5.0}),
        }
        self.disputes = {self._id("dispute-unknown"): ("is_unknown_charge", {"charge_id": f"ch_{self.tag}_none"})}
        self.subscription = f"sub_{self.tag}"
        self.statuses = [("subscription.created", "trialing", 3), ("subscription.updated", "active", 2),
                         ("subscription.canceled", "canceled", 1)]  # fmt: skip

    def _id(self, what: str) -> str:
        return f"serving-{self.tag}-{what}"

    def send(self, sender: Sender) -> None:
        for event_id, (_, fields) in self.charges.items():
            sender.send("payment_charges", valid_event("payment_charges", event_id, **fields), None)
        late = {"created_at": _ago(3), "updated_at": _ago(3), "charge_id": f"ch_{self.tag}_late"}
        sender.send("payment_charges", valid_event("payment_charges", self.late_charge, **late), None)
        for event_id, (_, fields) in self.refunds.items():
            sender.send("payment_refunds", valid_event("payment_refunds", event_id, **fields), None)
        for event_id, (_, fields) in self.disputes.items():
            sender.send("payment_disputes", valid_event("payment_disputes", event_id, **fields), None)
        for event_type, status, days in self.statuses:
            at = _ago(days)
            fields = {"event_type": event_type, "status": status, "updated_at": at, "created_at": at}
            event = valid_event("payment_subscriptions", self._id(status), subscription_id=self.subscription, **fields)
            sender.send("payment_subscriptions", event, None)
        sender.flush()


@dataclass
class DbtRuns:
    first: tuple[int, str]  # `dbt build` on what the generators and earlier tests sent
    incremental: tuple[int, str]  # `dbt run` after the crafted events landed
    again: tuple[int, str]  # `dbt run` with no new input
    after_incremental: dict[str, tuple]  # silver table -> (rows, checksum)
    after_again: dict[str, tuple]
    crafted: Crafted


def _silver(query) -> dict[str, tuple]:
    """Rows and an order-insensitive checksum of every column, per silver table."""
    out = {}
    for (table,) in query("SHOW TABLES FROM silver"):
        columns = [c for (c, *_) in query(f"SHOW COLUMNS FROM silver.{table}")]
        row = ", ".join(f'CAST("{c}" AS varchar)' for c in columns)
        out[table] = query(f"SELECT count(*), checksum(ARRAY[{row}]) FROM silver.{table}")[0]
    return out


@pytest.fixture(scope="module")
def dbt_runs(shared_stack, outputs, query, generated) -> DbtRuns:
    s: ThrowawayStack = shared_stack[0]
    first = run_dbt(outputs, s.name, ["build"], echo=False)
    crafted, sender = Crafted(), Sender(outputs["kafka_bootstrap_servers"])
    crafted.send(sender)
    generators = client().containers.list(filters={"label": [f"{LABEL_STACK}={s.name}", f"{COMPONENT}=generators"]})
    for g in generators:  # no new input while the runs compare: the job lands what is there, then nothing
        g.pause()
    try:
        ends = topic_ends(outputs["kafka_bootstrap_servers"], [e.topic for e in EVENT_TYPES])
        wait_caught_up(outputs["kafka_bootstrap_servers"], outputs["validation_consumer_group"], ends)
        landed_once_caught_up(
            Lake(outputs), outputs["kafka_bootstrap_servers"], outputs["validation_consumer_group"], sender.keys()
        )
        incremental = run_dbt(outputs, s.name, ["run"], echo=False)
        after_incremental = _silver(query)
        again = run_dbt(outputs, s.name, ["run"], echo=False)
        after_again = _silver(query)
    finally:
        for g in generators:
            g.unpause()
    return DbtRuns(first, incremental, again, after_incremental, after_again, crafted)


def _ok(run: tuple[int, str]) -> None:
    code, log = run
    assert code == 0, "dbt failed:\n" + log[-6000:]


def test_dbt_build_passes_every_model_and_test_on_what_the_generators_sent(dbt_runs):
    _ok(dbt_runs.first)
    done = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", dbt_runs.first[1])
    assert done, "dbt printed no summary:\n" + dbt_runs.first[1][-3000:]
    passed, _warned, errors, skipped = map(int, done.groups())
    # Warnings are the relationship tests counting unknown customers and non-ISO card countries: flagged, never lost.
    assert (errors, skipped) == (0, 0), done.group(0)
    assert passed > 0, done.group(0)


def test_silver_holds_each_event_once(dbt_runs, query):
    _ok(dbt_runs.incremental)
    for table in ("charges", "refunds", "disputes", "subscriptions"):
        rows, distinct = query(f"SELECT count(*), count(DISTINCT event_id) FROM silver.{table}")[0]
        assert rows == distinct > 0, f"silver.{table}: {rows} rows, {distinct} event ids"


def test_exact_duplicates_removed_match_the_generators_rate(dbt_runs, query):
    _ok(dbt_runs.incremental)
    received = duplicates = 0
    for entity in ("charges", "refunds", "disputes", "subscriptions"):
        n, d = query(f"SELECT count(*), count_if(is_duplicate) FROM staging.int_{entity}_received")[0]
        received, duplicates = received + n, duplicates + d
    assert received >= MIN_EVENTS, f"only {received} events received: too few to judge a rate"
    rate = duplicates / received
    assert abs(rate - DEFAULT_RATES["EXACT_DUPLICATE"]) <= 0.02, f"{duplicates} of {received} removed: {rate:.2%}"


def test_a_late_charge_reaches_silver_on_the_next_incremental_run(dbt_runs, query):
    _ok(dbt_runs.incremental)
    rows = query(f"SELECT created_at FROM silver.charges WHERE event_id = '{dbt_runs.crafted.late_charge}'")
    assert len(rows) == 1, "the charge created three days ago is not in silver after the next run"
    assert rows[0][0] < datetime.now(UTC).replace(tzinfo=None) - timedelta(days=2)


def test_each_suspicious_pattern_is_flagged_and_a_clean_event_is_not(dbt_runs, query):
    _ok(dbt_runs.incremental)
    c = dbt_runs.crafted
    problems = []
    for table, expected in (("charges", c.charges), ("refunds", c.refunds), ("disputes", c.disputes)):
        flags = sorted(FLAGS[table])
        for event_id, (flag, _) in expected.items():
            got = query(f"SELECT {', '.join(flags)}, is_flagged FROM silver.{table} WHERE event_id = '{event_id}'")
            if len(got) != 1:
                problems.append(f"{table} {event_id}: {len(got)} rows")
                continue
            raised = {f for f, v in zip(flags, got[0][:-1], strict=True) if v}
            want = set() if flag is None else {flag}
            if raised != want or got[0][-1] != bool(want):
                problems.append(f"{table} {event_id}: flags {sorted(raised)}, expected {sorted(want)}")
    assert not problems, "\n".join(problems)


def test_a_subscription_that_changed_status_twice_has_three_history_rows(dbt_runs, query):
    _ok(dbt_runs.incremental)
    rows = query(
        "SELECT status, valid_from, valid_to, is_current FROM silver.subscription_status_history"
        f" WHERE subscription_id = '{dbt_runs.crafted.subscription}' ORDER BY valid_from"
    )
    assert [r[0] for r in rows] == ["trialing", "active", "canceled"]
    assert [r[3] for r in rows] == [False, False, True]
    assert [r[2] for r in rows[:2]] == [r[1] for r in rows[1:]], "each window ends where the next begins"
    assert rows[2][2] is None, "the current status has no end"


def test_a_second_run_with_no_new_input_changes_no_silver_table(dbt_runs):
    _ok(dbt_runs.again)
    assert dbt_runs.after_again == dbt_runs.after_incremental


def test_a_streaming_table_keeps_its_snapshot_history_and_trino_travels_in_it(outputs, query):
    """The catalog keeps every commit of the job (docs/decisions/0001-iceberg-rest-catalog.md): the snapshots
    of a bronze table form one chain of parents, and Trino's `FOR VERSION AS OF` an earlier one returns the
    rows of that moment, the same rows the table's own metadata says it had then."""
    table = Lake(outputs).table(EVENT_TYPES[0].bronze_table)
    snapshots = {s.snapshot_id: s for s in table.snapshots()}
    assert len(snapshots) >= 3, "the generators have been landing charges for several checkpoints"
    current = table.current_snapshot()
    chain = [current.snapshot_id]
    while (parent := snapshots[chain[-1]].parent_snapshot_id) is not None:
        chain.append(parent)
    assert len(chain) == len(snapshots), "every snapshot is an ancestor of the current one"
    assert len(table.metadata.metadata_log) >= 2, "earlier metadata files are kept"

    earlier = chain[len(chain) // 2]
    then = table.scan(snapshot_id=earlier, selected_fields=("kafka_offset",)).to_arrow().num_rows
    now = table.scan(selected_fields=("kafka_offset",)).to_arrow().num_rows
    assert 0 < then < now
    namespace, name = outputs["iceberg_namespace"], EVENT_TYPES[0].bronze_table
    assert query(f"SELECT count(*) FROM {namespace}.{name} FOR VERSION AS OF {earlier}")[0][0] == then
    # The job keeps committing: Trino sees at least the snapshots seen above.
    assert query(f'SELECT count(*) FROM {namespace}."{name}$snapshots"')[0][0] >= len(snapshots)
