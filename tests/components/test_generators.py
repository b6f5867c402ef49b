"""Generators: per-type settings, the charges dependency of refunds and disputes, and which container a
change touches (Pulumi mocks, no engine, no Docker)."""

from __future__ import annotations

import pulumi
import pytest

from components.generators import generator_env, processes
from config import ConfigError
from jr_templates.render import render
from payments.events import EVENT_TYPES
from tests.required import REQUIRED_INTERVALS

KEY = "streaming-lakehouse:generators"


def test_a_generator_per_event_type_at_its_interval_by_default(stack_config):
    gens = stack_config({}).generators
    assert [g.event_type for g in gens] == [e.name for e in EVENT_TYPES]
    by_type = {g.event_type: (g.enabled, g.interval, g.events_per_interval) for g in gens}
    assert by_type == {e.name: (True, e.generator_interval, 1) for e in EVENT_TYPES}
    required = {t: (True, interval, 1) for t, interval in REQUIRED_INTERVALS.items()}
    assert required.items() <= by_type.items(), "the default intervals"


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
    off = {"payment_charges", "payment_refunds", "payment_disputes"}
    procs = processes(stack_config({"generators": {t: {"enabled": False} for t in off}}))
    running = sorted(g.event_type for gens in procs.values() for g in gens)
    assert running == sorted({e.name for e in EVENT_TYPES} - off)
    assert "payment_subscriptions" in running
    assert all(procs.values()), "no container is left with nothing to emit"


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


def test_types_that_refer_to_each_other_share_a_process_and_the_others_run_alone(stack_config):
    """JR shares emitted values only within a process: a type runs beside the types it references, after
    them (their preload comes first); a type no other refers to, and that refers to none, runs alone."""
    procs = {name: [g.event_type for g in gens] for name, gens in processes(stack_config({})).items()}
    placed = [t for types in procs.values() for t in types]
    assert sorted(placed) == sorted(e.name for e in EVENT_TYPES), "every type runs, in one process"
    process_of = {t: name for name, types in procs.items() for t in types}
    referenced = {r.name for e in EVENT_TYPES for r in e.references}
    for e in EVENT_TYPES:
        for r in e.references:
            assert process_of[e.name] == process_of[r.name], (e.name, r.name)
            order = procs[process_of[e.name]]
            assert order.index(r.name) < order.index(e.name), (e.name, r.name)
        if not e.references and e.name not in referenced:
            assert procs[e.name] == [e.name], e.name


def test_charges_refunds_and_disputes_share_one_process_subscriptions_run_alone(stack_config):
    s = stack_config({"generators": {"payment_disputes": {"enabled": False}}})
    procs = processes(s)
    required = {"payments": ("payment_charges", "payment_refunds"), "payment_subscriptions": ("payment_subscriptions",)}
    assert required.items() <= {name: tuple(g.event_type for g in gens) for name, gens in procs.items()}.items()
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
    ],
)
def test_a_change_touches_only_the_container_that_uses_it(stack_config, change, touched):
    before, after = _envs(stack_config, {}), _envs(stack_config, change)
    assert {name for name in before if before[name] != after[name]} == touched


@pytest.mark.parametrize("event", [e.name for e in EVENT_TYPES])
def test_an_interval_change_touches_only_the_container_that_emits_the_type(stack_config, event):
    before, after = _envs(stack_config, {}), _envs(stack_config, {"generators": {event: {"interval": "7s"}}})
    touched = {name for name in before if before[name] != after[name]}
    # template, topic, interval, ...: the one container whose emitter of this type now runs every 7s
    emits = {
        name
        for name, env in after.items()
        if [event, event, "7s"] in (line.split()[:3] for line in env["EMITTERS_SPEC"].splitlines())
    }
    assert len(emits) == 1, emits
    assert touched == emits


def test_the_duplicate_rate_touches_every_generator_container(stack_config):
    """JR itself sends the duplicates, whatever the template: every process gets the rate."""
    before, after = _envs(stack_config, {}), _envs(stack_config, {"problemRates": {"exactDuplicate": 0.05}})
    assert {"payments", "payment_subscriptions"} <= set(before)
    assert {name for name in before if before[name] != after[name]} == set(before)
    assert {env["JR_DUPLICATE_RATE"] for env in after.values()} == {"0.05"}


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
    assert {"payments", "payment_subscriptions"} <= set(generators.containers)

    def check(_):
        containers = {
            r.name: r.inputs
            for r in mocks.resources.values()
            if r.typ.endswith(":Container") and r.name.startswith("generators-")
        }
        assert sorted(containers) == sorted(f"generators-{p}" for p in generators.containers)
        topics = {}  # process -> the topics its emitters produce
        for process in generators.containers:
            inputs = containers[f"generators-{process}"]
            assert inputs["name"] == f"lh-unit-jr-{process}"
            assert inputs["envs"]["KAFKA_BOOTSTRAP"] == "kafka:29092"
            topics[process] = [line.split()[1] for line in inputs["envs"]["EMITTERS_SPEC"].splitlines()]
        emitted = [t for ts in topics.values() for t in ts]
        assert sorted(emitted) == sorted(e.name for e in EVENT_TYPES), "each type's topic, by one container"
        assert topics["payments"] == ["payment_charges", "payment_refunds", "payment_disputes"]
        subs = containers["generators-payment_subscriptions"]
        assert subs["envs"]["EMITTERS_SPEC"] == "payment_subscriptions payment_subscriptions 3s 1 0"

    # All of them: resources register in any order, and the check reads every container's inputs.
    return pulumi.Output.all(*(c.container_id for c in generators.containers.values())).apply(check)


@pulumi.runtime.test
def test_each_enabled_generator_produces_its_topic_at_its_interval(mocks, program):
    generators = program({"generators": {"payment_subscriptions": {"enabled": False}}})["generators"]
    assert "payment_subscriptions" not in generators.containers  # its container goes with its only emitter

    def check(_):
        emitted = {}  # topic -> (template, interval, events per interval), over every container
        for process in generators.containers:
            envs = mocks.resources[f"generators-{process}"].inputs["envs"]
            assert envs["KAFKA_BOOTSTRAP"] == "kafka:29092", process
            for template, topic, interval, count, _ in map(str.split, envs["EMITTERS_SPEC"].splitlines()):
                assert topic not in emitted, f"{topic} emitted twice"
                emitted[topic] = (template, interval, count)
                assert "@@" not in envs[f"TEMPLATE_BODY_{template}"], "every rate filled in"
        enabled = [e for e in EVENT_TYPES if e.name != "payment_subscriptions"]
        assert emitted == {e.name: (e.name, e.generator_interval, "1") for e in enabled}
        required = {t: (t, i, "1") for t, i in REQUIRED_INTERVALS.items() if t != "payment_subscriptions"}
        assert required.items() <= emitted.items()

    return pulumi.Output.all(*(c.container_id for c in generators.containers.values())).apply(check)


def test_a_rate_change_touches_only_the_generators_that_use_it(stack_config):
    before = stack_config({}).problem_rates
    after = stack_config({"problemRates": {"missingPromoCode": 0.25}}).problem_rates
    # The template text is the container's input: unchanged text, unchanged container.
    assert render("payment_charges", before) == render("payment_charges", after)
    assert render("payment_subscriptions", before) != render("payment_subscriptions", after)
    assert "lt (integer 0 10000) 2500" in render("payment_subscriptions", after)  # 0.25 of 10,000
