"""Stack config: defaults, and bad values refused at preview with the key named."""

from __future__ import annotations

import pytest

from config import ConfigError, duration_seconds
from payments.events import EVENT_TYPES
from payments.validation import ACCEPTED_CURRENCIES
from payments.webhooks import WEBHOOK_TOPICS
from tests.required import REQUIRED_TOPICS


def test_defaults_give_a_local_dev_stack(stack_config):
    s = stack_config({})
    assert s.bind_address == "127.0.0.1"
    assert s.kafka.host_port == 9092
    assert s.name_prefix == "lakehouse-unit"
    assert s.base_image.suite == "trixie"


def test_values_from_the_stack_file_are_used(stack_config):
    s = stack_config({"kafka": {"hostPort": 19092, "memoryMb": 2048, "heapMb": 1024}, "namePrefix": "lh-ci"})
    assert (s.kafka.host_port, s.kafka.memory_mb, s.kafka.heap_mb) == (19092, 2048, 1024)
    assert s.docker_name("kafka") == "lh-ci-kafka"


def test_numbers_given_as_strings_are_accepted(stack_config):
    # `pulumi config set --path kafka.hostPort 19092` stores a string.
    assert stack_config({"kafka": {"hostPort": "19092"}}).kafka.host_port == 19092


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"kafka": {"hostPort": "not-a-port"}}, "streaming-lakehouse:kafka.hostPort", "TCP port number"),
        ({"kafka": {"hostPort": 70000}}, "streaming-lakehouse:kafka.hostPort", "1..65535"),
        ({"kafka": {"hostPort": True}}, "streaming-lakehouse:kafka.hostPort", "TCP port number"),
        ({"kafka": {"memoryMb": 10}}, "streaming-lakehouse:kafka.memoryMb", "MiB"),
        ({"kafka": {"heapMb": 2048}}, "streaming-lakehouse:kafka.heapMb", "below kafka.memoryMb"),
        ({"kafka": {"hostport": 9092}}, "streaming-lakehouse:kafka", "unknown field(s) hostport"),
        ({"kafka": "9092"}, "streaming-lakehouse:kafka", "expected an object"),
        ({"kafka": [9092]}, "streaming-lakehouse:kafka", "expected an object"),
        ({"bindAddress": "localhost:1"}, "streaming-lakehouse:bindAddress", "IP address"),
        ({"namePrefix": "Bad Name"}, "streaming-lakehouse:namePrefix", "lower-case"),
        ({"baseImage": {"caDir": "relative/dir"}}, "streaming-lakehouse:baseImage.caDir", "absolute"),
    ],
)
def test_bad_values_name_the_key_and_the_expected_form(stack_config, values, key, expected):
    with pytest.raises(ConfigError) as err:
        stack_config(values)
    message = str(err.value)
    assert message.startswith(key), message
    assert expected in message


def test_every_event_types_topic_exists_by_default_and_can_be_tuned_or_added(stack_config):
    default = {t.name: t for t in stack_config({}).kafka.topics}
    assert set(REQUIRED_TOPICS) <= set(default), "the four required topics exist by default"
    assert list(default) == [*(e.name for e in EVENT_TYPES), *WEBHOOK_TOPICS], "each event type's and webhook topic"
    assert all(t.partitions == 1 and t.replication_factor == 1 for t in default.values())
    assert default["payment_charges"].config["cleanup.policy"] == "delete"

    tuned = stack_config(
        {"topics": {"payment_charges": {"partitions": 3, "config": {"retention.ms": 60000}}, "audit": {}}}
    ).kafka.topics
    by_name = {t.name: t for t in tuned}
    assert by_name["payment_charges"].partitions == 3
    assert by_name["payment_charges"].config == {"retention.ms": "60000", "cleanup.policy": "delete"}
    assert by_name["payment_refunds"].partitions == 1
    assert list(by_name) == [*default, "audit"]  # a topic no type uses comes after the types' own


@pytest.mark.parametrize(
    ("topics", "key", "expected"),
    [
        ({"payment_charges": {"partitions": 0}}, "streaming-lakehouse:topics.payment_charges.partitions", "1..1000"),
        ({"payment_charges": {"replicationFactor": 3}}, "streaming-lakehouse:topics.payment_charges", "single broker"),
        ({"bad name!": {}}, "streaming-lakehouse:topics", "not a valid Kafka topic name"),
        ({"payment_charges": {"config": ["x"]}}, "streaming-lakehouse:topics.payment_charges.config", "mapping"),
    ],
)
def test_bad_topic_settings_name_the_key(stack_config, topics, key, expected):
    with pytest.raises(ConfigError) as err:
        stack_config({"topics": topics})
    assert str(err.value).startswith(key), str(err.value)
    assert expected in str(err.value)


def test_validation_rules_come_from_the_stack(stack_config):
    rules = stack_config({"validation": {"currencies": ["usd", "CHF"], "maxAmount": 5000}}).validation
    assert rules.currencies == ("USD", "CHF")
    assert str(rules.max_amount) == "5000"
    assert stack_config({}).validation.currencies == ACCEPTED_CURRENCIES  # the domain's, when unset


@pytest.mark.parametrize(
    ("validation", "key"),
    [
        ({"currencies": "USD"}, "streaming-lakehouse:validation.currencies"),
        ({"currencies": ["US"]}, "streaming-lakehouse:validation.currencies"),
        ({"currencies": []}, "streaming-lakehouse:validation.currencies"),
        ({"currencies": ["USD", "XYZ"]}, "streaming-lakehouse:validation.currencies: XYZ is not"),
        # Kuwaiti dinar: 3 decimals, which bronze's DECIMAL(10, 2) cannot store unrounded.
        ({"currencies": ["kwd"]}, "streaming-lakehouse:validation.currencies: KWD has 3 decimals"),
        ({"maxAmount": "lots"}, "streaming-lakehouse:validation.maxAmount"),
        ({"maxAmount": -1}, "streaming-lakehouse:validation.maxAmount"),
    ],
)
def test_bad_validation_rules_name_the_key(stack_config, validation, key):
    with pytest.raises(ConfigError) as err:
        stack_config({"validation": validation})
    assert str(err.value).startswith(key), str(err.value)


CHARGES_KEY = "streaming-lakehouse:generators.payment_charges"


def test_generators_and_problem_rates_from_the_stack(stack_config):
    s = stack_config({"generators": {"payment_charges": {"interval": "100ms", "eventsPerInterval": 5}},
                      "problemRates": {"invalidCountry": 0.2}})  # fmt: skip
    charges = next(g for g in s.generators if g.event_type == "payment_charges")
    assert (charges.enabled, charges.interval, charges.events_per_interval) == (True, "100ms", 5)
    assert s.problem_rates["INVALID_COUNTRY"] == 0.2
    assert s.problem_rates["MALFORMED"] == 0.005


@pytest.mark.parametrize(
    ("values", "key"),
    [
        (
            {"generators": {"payment_charges": {"interval": "fast"}}},
            "streaming-lakehouse:generators.payment_charges.interval",
        ),
        (
            {"generators": {"payment_charges": {"enabled": "yes"}}},
            "streaming-lakehouse:generators.payment_charges.enabled",
        ),
        ({"generators": {"payment_charges": {"rate": 1}}}, "streaming-lakehouse:generators.payment_charges"),
        ({"generators": {"payment_nope": {}}}, "streaming-lakehouse:generators"),
        ({"problemRates": {"malformed": 1.5}}, "streaming-lakehouse:problemRates.malformed"),
        ({"problemRates": {"typo": 0.1}}, "streaming-lakehouse:problemRates"),
    ],
)
def test_bad_generator_settings_name_the_key(stack_config, values, key):
    with pytest.raises(ConfigError) as err:
        stack_config(values)
    assert str(err.value).startswith(key), str(err.value)


def test_values_set_with_config_set_path_arrive_as_text_and_are_accepted(stack_config):
    s = stack_config(
        {"problemRates": {"missingPromoCode": "0.2"}, "generators": {"payment_subscriptions": {"enabled": "false"}}}
    )
    assert s.problem_rates["MISSING_PROMO_CODE"] == 0.2
    assert not next(g for g in s.generators if g.event_type == "payment_subscriptions").enabled


def test_every_bad_key_is_named_at_once_one_line_each(stack_config):
    with pytest.raises(ConfigError) as err:
        stack_config({"kafka": {"hostPort": "x", "a": 1, "b": 2}, "generators": {"payment_charges": {"enabled": 2}}})
    assert str(err.value).splitlines() == [
        "streaming-lakehouse:kafka.hostPort: expected a TCP port number in 1..65535, got 'x'",
        "streaming-lakehouse:kafka: unknown field(s) a, b; known: external, heapMb, hostPort, memoryMb, topicPrefix",
        "streaming-lakehouse:generators.payment_charges.enabled: expected true or false, got 2",
    ]


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"validation": {"maxAmount": "NaN"}}, "streaming-lakehouse:validation.maxAmount", "positive amount"),
        ({"topics": {"audit": {"retention": 1}}}, "streaming-lakehouse:topics.audit", "unknown field(s) retention"),
        ({"topics": {"audit": 3}}, "streaming-lakehouse:topics.audit", "expected an object with fields"),
        ({"flink": {"checkpointInterval": 10}}, "streaming-lakehouse:flink.checkpointInterval", "duration"),
        ({"minio": {"consolePort": 9000}}, "streaming-lakehouse:minio.consolePort", "already used by"),
        ({"problemRates": {"malformed": "NaN"}}, "streaming-lakehouse:problemRates.malformed", "fraction"),
    ],
)
def test_more_bad_values_name_the_key(stack_config, values, key, expected):
    with pytest.raises(ConfigError) as err:
        stack_config(values)
    assert str(err.value).startswith(key), str(err.value)
    assert expected in str(err.value)


def test_an_empty_section_or_entry_means_the_defaults(stack_config):
    # `kafka:` with nothing under it is null in the stack file.
    s = stack_config({"kafka": None, "topics": {"payment_charges": None}, "generators": {"payment_refunds": None}})
    assert s.kafka.host_port == 9092
    assert s.kafka.topics[0].partitions == 1
    assert next(g for g in s.generators if g.event_type == "payment_refunds").interval == "2s"


def test_text_from_config_set_path_is_read_for_every_number_and_switch(stack_config):
    s = stack_config(
        {"generators": {"payment_subscriptions": {"eventsPerInterval": "7", "enabled": "true"}},
         "topics": {"audit": {"partitions": "3"}}, "validation": {"maxAmount": "99.5"}}
    )  # fmt: skip
    assert next(g for g in s.generators if g.event_type == "payment_subscriptions").events_per_interval == 7
    assert s.kafka.topics[-1].partitions == 3
    assert str(s.validation.max_amount) == "99.5"


def test_trino_heap_must_leave_room_in_its_container(stack_config):
    with pytest.raises(ConfigError, match=r"trino\.heapMb \(2600\) must leave 512 MiB of trino\.memoryMb \(3000\)"):
        stack_config({"trino": {"memoryMb": 3000, "heapMb": 2600}})


@pytest.mark.parametrize(("text", "seconds"), [("500ms", 0.5), ("10s", 10), ("2m", 120), ("1h", 3600)])
def test_durations_read_as_seconds(text, seconds):
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["10", "0s", "1.5s", "10 s", "s"])
def test_other_text_is_not_a_duration(text):
    with pytest.raises(ValueError, match="not a duration"):
        duration_seconds(text)


def test_the_jobs_parallelism_must_fit_the_slots(stack_config):
    with pytest.raises(ConfigError, match=r"flink\.parallelism.*needs that many slots"):
        stack_config({"flink": {"parallelism": 5}})


def test_dagster_runs_with_trino_and_its_thresholds_come_from_the_stack(stack_config):
    s = stack_config(
        {"dagster": {"quarantineMaxPerHour": 250, "dqScoreFloor": "0.95", "maintenance": {"schedule": "30 2 * * *"}}}
    )
    assert s.dagster.enabled
    assert s.dagster.port == 3000
    assert (s.dagster.quarantine_max_per_hour, s.dagster.dq_score_floor) == (250, 0.95)
    assert s.dagster.maintenance.schedule == "30 2 * * *"
    # Without Trino there is nothing to query: Dagster is off unless asked for, and then refused.
    assert not stack_config({"trino": {"enabled": False}}).dagster.enabled


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        ({"trino": {"enabled": False}, "dagster": {"enabled": True}}, "dagster.enabled", "needs trino.enabled: true"),
        ({"dagster": {"port": 8080}}, "dagster.port", "already used by streaming-lakehouse:trino.port"),
        ({"dagster": {"dqScoreFloor": 1.5}}, "dagster.dqScoreFloor", "a fraction between 0 and 1"),
        ({"dagster": {"quarantineMaxPerHour": -1}}, "dagster.quarantineMaxPerHour", "a record count"),
        ({"dagster": {"freshnessMaxAge": "5 minutes"}}, "dagster.freshnessMaxAge", "a duration"),
        ({"dagster": {"maintenance": {"schedule": "daily"}}}, "dagster.maintenance.schedule", "cron expression"),
        (
            {"dagster": {"maintenance": {"snapshotRetention": "10m"}}},
            "dagster.maintenance.snapshotRetention",
            "at least 1h",
        ),
        (
            {"dagster": {"maintenance": {"orphanFileRetention": "30s"}}},
            "dagster.maintenance.orphanFileRetention",
            "at least 1h",
        ),
    ],
)
def test_bad_dagster_settings_name_the_key(stack_config, values, key, expected):
    with pytest.raises(ConfigError) as err:
        stack_config(values)
    assert f"streaming-lakehouse:{key}" in str(err.value)
    assert expected in str(err.value)


def test_catalog_port_must_differ_from_the_others(stack_config):
    with pytest.raises(ConfigError, match=r"port 8081 is already used by streaming-lakehouse:catalog\.port"):
        stack_config({"catalog": {"port": 8081}})


def test_max_amount_must_fit_the_bronze_decimal(stack_config):
    with pytest.raises(ConfigError, match=r"streaming-lakehouse:validation\.maxAmount"):
        stack_config({"validation": {"maxAmount": 100_000_000}})
