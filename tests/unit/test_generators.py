"""Generators: per-type settings, the charges dependency of refunds and disputes, and which container a
change touches (Pulumi mocks, no engine, no Docker)."""

from __future__ import annotations

import pulumi
import pytest

from components.config import ConfigError
from components.generators import generator_env, processes

KEY = "streaming-lakehouse:generators"


def _settings_by_type(settings):
    return {g.event_type: g for g in settings.generators}


def test_four_generators_at_the_seed_intervals_by_default(stack_config):
    gens = _settings_by_type(stack_config({}))
    assert {t: (g.enabled, g.interval, g.events_per_interval) for t, g in gens.items()} == {
        "payment_charges": (True, "500ms", 1),
        "payment_refunds": (True, "2s", 1),
        "payment_disputes": (True, "5s", 1),
        "payment_subscriptions": (True, "3s", 1),
    }


@pytest.mark.parametrize("dependent", ["payment_refunds", "payment_disputes"])
def test_refunds_or_disputes_without_charges_fail_naming_the_key(stack_config, dependent):
    other = ({"payment_refunds", "payment_disputes"} - {dependent}).pop()
    with pytest.raises(ConfigError) as err:
        stack_config({"generators": {"payment_charges": {"enabled": False}, other: {"enabled": False}}})
    assert str(err.value).startswith(f"{KEY}.{dependent}.enabled:"), str(err.value)
    assert "payment_charges" in str(err.value)


def test_disabling_charges_alone_is_refused_since_refunds_are_on_by_default(stack_config):
    with pytest.raises(ConfigError) as err:
        stack_config({"generators": {"payment_charges": {"enabled": "false"}}})
    assert str(err.value).startswith(f"{KEY}.payment_refunds.enabled:"), str(err.value)


def test_charges_refunds_and_disputes_can_all_be_off(stack_config):
    off = {"enabled": False}
    s = stack_config({"generators": {"payment_charges": off, "payment_refunds": off, "payment_disputes": off}})
    assert list(processes(s)) == ["payment_subscriptions"]


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"payment_refunds": {"interval": "2 seconds"}}, f"{KEY}.payment_refunds.interval"),
        ({"payment_disputes": {"eventsPerInterval": 0}}, f"{KEY}.payment_disputes.eventsPerInterval"),
        ({"payment_disputes": {"enabled": "maybe"}}, f"{KEY}.payment_disputes.enabled"),
        ({"payment_refunds": {"topic": "x"}}, f"{KEY}.payment_refunds"),
    ],
)
def test_bad_refund_and_dispute_settings_name_the_key(stack_config, values, key):
    with pytest.raises(ConfigError) as err:
        stack_config({"generators": values})
    assert str(err.value).startswith(key), str(err.value)


@pytest.mark.parametrize("value", [-0.1, 1.5, "often", True])
def test_exact_duplicate_rate_is_a_fraction(stack_config, value):
    with pytest.raises(ConfigError) as err:
        stack_config({"problemRates": {"exactDuplicate": value}})
    assert str(err.value).startswith("streaming-lakehouse:problemRates.exactDuplicate:"), str(err.value)


def test_charges_refunds_and_disputes_share_one_process_subscriptions_run_alone(stack_config):
    s = stack_config({"generators": {"payment_disputes": {"enabled": False}}})
    procs = processes(s)
    assert {name: [g.event_type for g in gens] for name, gens in procs.items()} == {
        "payments": ["payment_charges", "payment_refunds"],
        "payment_subscriptions": ["payment_subscriptions"],
    }
    env = generator_env(procs["payments"], s.problem_rates)
    lines = [line.split() for line in env["EMITTERS_SPEC"].splitlines()]
    # template, topic, interval, events per interval, preload; charges first so their preload comes first
    assert lines[0][:4] == ["payment_charges", "payment_charges", "500ms", "1"]
    assert int(lines[0][4]) > 0, "charges preload, so the first refund has a charge to refer to"
    assert lines[1] == ["payment_refunds", "payment_refunds", "2s", "1", "0"]
    assert set(env) == {"EMITTERS_SPEC", "TEMPLATE_BODY_payment_charges", "TEMPLATE_BODY_payment_refunds",
                        "JR_DUPLICATE_RATE"}  # fmt: skip
    assert all("@@" not in env[k] for k in env), "every rate filled in"
    assert float(env["JR_DUPLICATE_RATE"]) == s.problem_rates["EXACT_DUPLICATE"] > 0


def _envs(stack_config, values):
    s = stack_config(values)
    return {name: generator_env(gens, s.problem_rates) for name, gens in processes(s).items()}


@pytest.mark.parametrize(
    ("change", "touched"),
    [
        ({"generators": {"payment_refunds": {"interval": "1s"}}}, {"payments"}),
        ({"generators": {"payment_disputes": {"eventsPerInterval": 3}}}, {"payments"}),
        ({"generators": {"payment_charges": {"interval": "250ms"}}}, {"payments"}),
        ({"generators": {"payment_subscriptions": {"interval": "1s"}}}, {"payment_subscriptions"}),
        ({"problemRates": {"nullStatus": 0.2}}, {"payments"}),
        ({"problemRates": {"missingEvidence": 0.2}}, {"payments"}),
        ({"problemRates": {"nullTrialDates": 0.2}}, {"payment_subscriptions"}),
        ({"problemRates": {"exactDuplicate": 0.05}}, {"payments", "payment_subscriptions"}),
    ],
)
def test_a_change_touches_only_the_container_that_uses_it(stack_config, change, touched):
    before, after = _envs(stack_config, {}), _envs(stack_config, change)
    assert {name for name in before if before[name] != after[name]} == touched


@pytest.mark.parametrize("enabled", [True, False])
def test_an_enabled_switch_adds_or_removes_one_emitter(stack_config, enabled):
    env = _envs(stack_config, {"generators": {"payment_disputes": {"enabled": enabled}}})["payments"]
    assert ("payment_disputes payment_disputes 5s 1 0" in env["EMITTERS_SPEC"].splitlines()) is enabled
    assert ("TEMPLATE_BODY_payment_disputes" in env) is enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_no_preload_without_refunds_and_disputes(stack_config, enabled):
    onoff = {"enabled": enabled}
    env = _envs(stack_config, {"generators": {"payment_refunds": onoff, "payment_disputes": onoff}})["payments"]
    charges = env["EMITTERS_SPEC"].splitlines()[0].split()
    assert (int(charges[4]) > 0) is enabled


@pulumi.runtime.test
def test_the_component_runs_one_container_per_process(mocks, program):
    generators = program({"namePrefix": "lh-unit"})["generators"]
    assert list(generators.containers) == ["payments", "payment_subscriptions"]

    def check(_):
        payments = mocks.resources["generators-payments"].inputs
        assert payments["name"] == "lh-unit-jr-payments"
        assert payments["envs"]["KAFKA_BOOTSTRAP"] == "kafka:29092"
        topics = [line.split()[1] for line in payments["envs"]["EMITTERS_SPEC"].splitlines()]
        assert topics == ["payment_charges", "payment_refunds", "payment_disputes"]
        subs = mocks.resources["generators-payment_subscriptions"].inputs
        assert subs["name"] == "lh-unit-jr-payment_subscriptions"
        assert subs["envs"]["EMITTERS_SPEC"] == "payment_subscriptions payment_subscriptions 3s 1 0"

    # Both: resources register in any order, and the check reads both containers' inputs.
    return pulumi.Output.all(*(c.container_id for c in generators.containers.values())).apply(check)
