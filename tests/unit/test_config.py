"""Stack config: defaults, and bad values refused at preview with the key named."""

from __future__ import annotations

import pytest

from components.config import ConfigError


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
