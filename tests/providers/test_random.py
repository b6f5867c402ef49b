"""`RandomId`: the keys it generates and when it generates new ones (the provider alone, no engine)."""

from __future__ import annotations

import re

import pytest

from providers.random import RandomIdProvider


def test_hex_is_byte_length_random_bytes_after_the_prefix_and_the_id_is_not_the_value():
    made = [RandomIdProvider().create({"byte_length": 24, "prefix": "whsec_", "keepers": {}}) for _ in range(50)]
    values = [m.outs["hex"] for m in made]
    assert all(re.fullmatch(r"whsec_[0-9a-f]{48}", v) for v in values), values[0]
    assert len(set(values)) == len(values), "each key its own"
    assert all(m.id not in m.outs["hex"] for m in made)
    # As the engine hands numbers over (float) and with no prefix.
    assert re.fullmatch(r"[0-9a-f]{64}", RandomIdProvider().create({"byte_length": 32.0, "keepers": {}}).outs["hex"])


@pytest.mark.parametrize(("change", "replaced"), [
    ({"byte_length": 16}, ["byte_length"]),
    ({"prefix": "key_"}, ["prefix"]),
    ({"keepers": {"rotation": "2"}}, ["keepers"]),
    ({}, []),
])  # fmt: skip
def test_a_changed_input_replaces_the_key_and_nothing_else_does(change, replaced):
    old = {"byte_length": 32, "prefix": "", "keepers": {}, "hex": "ab" * 32}
    diff = RandomIdProvider().diff("id", old, {**old, "hex": None, **change})
    assert (diff.changes, diff.replaces) == (bool(replaced), replaced)
