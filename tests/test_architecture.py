"""The import graph of the project, read from the source with `ast` (nothing is imported): every package
imports only the layers below it, and a setting's default is written in one place."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.settings import LakehouseSettings
from payments.validation import ACCEPTED_CURRENCIES

ROOT = Path(__file__).resolve().parents[1]

# What each top-level package (or module) may import of the project besides itself. A package missing
# here fails the test: a new one must say where it stands.
ALLOWED: dict[str, set[str]] = {
    # The domain: the facts every other layer reads.
    "payments": set(),
    # Dynamic providers over the clients of Docker, Kafka, MinIO, Iceberg and Flink: no stack knowledge.
    "providers": set(),
    # The stack config: the domain's defaults, and the Kafka client settings it fills in.
    "config": {"payments", "providers.kafka.security"},
    # What runs inside the engines' images: the Flink job's SQL, the JR templates, the Dagster code
    # location (images/dagster copies only orchestration/, payments/ and dbt/).
    "flink_jobs": {"payments"},
    "jr_templates": {"payments"},
    "orchestration": {"payments"},
    # The webhook edge's receiver and generators (images/webhooks copies only webhooks/ and payments/).
    "webhooks": {"payments"},
    # One ComponentResource per service, and the composition.
    "components": {"config", "providers", "payments", "flink_jobs", "jr_templates", "orchestration"},
    "__main__": {"components", "config"},
    # The client of a running stack, and the tooling and benchmarks around it.
    "lakehouse": {"components", "config", "providers", "payments", "flink_jobs"},
    "tools": {"config", "providers", "payments"},  # config: the configuration reference is generated from it
    "bench": {"components", "config", "providers", "payments", "flink_jobs", "lakehouse"},
    "tests": {"*"},
}
PACKAGES = set(ALLOWED) - {"__main__"}
PRODUCT = {"payments", "providers", "config", "flink_jobs", "jr_templates", "orchestration", "components", "__main__"}


def modules() -> Iterator[tuple[str, Path]]:
    """(top-level package or module, path) of every Python file of the project."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or relative.parts[0] == "build":
            continue
        yield (relative.parts[0] if len(relative.parts) > 1 else relative.stem), path


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every absolute import in the file, those inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _allowed(owner: str, module: str) -> bool:
    top = module.split(".")[0]
    if top not in ALLOWED or top == owner:
        return True  # a library, or the package itself
    allowed = ALLOWED[owner]
    return "*" in allowed or any(module == a or module.startswith(a + ".") for a in allowed)


def test_every_top_level_package_has_its_place():
    found = {owner for owner, _ in modules()}
    assert found <= set(ALLOWED), f"packages without a place in ALLOWED: {sorted(found - set(ALLOWED))}"


def test_no_module_imports_upward():
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for owner, path in modules()
        for line, module in imports(path)
        if not _allowed(owner, module)
    ]
    assert upward == []


def test_product_code_never_imports_tests_tools_or_bench():
    # Stricter than ALLOWED says, and said once more because it is what keeps the program runnable alone.
    leaks = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for owner, path in modules()
        if owner in PRODUCT
        for line, module in imports(path)
        if module.split(".")[0] in {"tests", "tools", "bench", "lakehouse"}
    ]
    assert leaks == []


def test_the_code_locations_settings_have_no_defaults_of_their_own():
    """Their defaults are the stack config's (config/dagster.py); a second one would drift from it."""
    defaulted = [name for name, field in LakehouseSettings.model_fields.items() if not field.is_required()]
    assert defaulted == []


@pytest.mark.parametrize("package", sorted(PRODUCT - {"payments"}))
def test_the_accepted_currencies_are_written_only_in_payments(package):
    """Outside payments/ a currency code is read from ACCEPTED_CURRENCIES, never written again."""
    written = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for owner, path in modules()
        if owner == package
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if any(code in node.value.split("|") or node.value == code for code in ACCEPTED_CURRENCIES)
    ]
    assert written == []
