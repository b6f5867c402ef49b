"""docs/configuration.md is what tools/config_reference.py renders from the config models, and every key it
documents is a key the loader accepts, spelled as the page spells it (no Docker)."""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from typing import Any

import pytest
from pydantic_core import PydanticUndefined

from tools import config_reference
from tools.config_reference import PAGE, ROOT, models, render, sections

KEYS = [key for section in sections() for key in section.keys]
# A real name where the page writes a placeholder.
PLACEHOLDERS = {"<name>": "payment_charges", "<type>": "payment_charges"}


def _as_config(path: str, value: Any) -> dict[str, Any]:
    """`{"kafka": {"hostPort": 9092}}` for `kafka.hostPort`, as Pulumi.<stack>.yaml would hold it."""
    for placeholder, name in PLACEHOLDERS.items():
        path = path.replace(placeholder, name)
    top, *rest = path.split(".")
    for part in reversed(rest):
        value = {part: value}
    return {top: value}


def test_committed_page_is_what_the_models_give():
    assert PAGE.is_file(), f"{PAGE.relative_to(ROOT)} is missing: run `make docs`"
    assert PAGE.read_text() == render(), f"{PAGE.relative_to(ROOT)} is out of date: run `make docs`"
    assert config_reference.main(["--check"]) == 0


def test_every_key_has_a_description():
    assert [key.path for key in KEYS if not key.description.strip()] == []


# A key under `external` needs its whole section (and a reachable service), so those are left out here.
SETTABLE = [k for k in KEYS if k.default not in (None, PydanticUndefined) and ".external." not in k.path]


@pytest.mark.parametrize("key", SETTABLE, ids=[k.path for k in SETTABLE])
def test_each_documented_key_is_accepted_as_written(stack_config, key):
    value = str(key.default) if isinstance(key.default, Decimal) else key.default
    stack_config(_as_config(key.path, value))


def test_a_key_the_page_does_not_document_is_refused(stack_config):
    with pytest.raises(models.ConfigError, match=r"kafka: unknown field\(s\) hostPorts"):
        stack_config(_as_config("kafka.hostPorts", 9092))


def test_secrets_are_the_keys_the_loader_reads_as_secrets():
    """The page lists exactly the keys the loader reads that are not fields of the models."""
    source = inspect.getsource(inspect.getmodule(models.load))
    read = set(re.findall(r'(?:cfg\.get_secret\(|cfg\.get\(|_secret\(cfg, )"(\w+)"', source))
    fields = {info.alias for info in models.StackConfig.model_fields.values()}
    assert read - fields == set(config_reference.SECRETS)
