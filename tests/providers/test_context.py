"""Build contexts without an engine: which ignore file applies (BuildKit's per-Dockerfile rule), which files
are sent, and what the tag's digest covers."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from components.service import image_build
from providers.docker.client import context_files, context_tar, digest_context, ignore_file, project_root


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest.fixture
def ctx(tmp_path: Path) -> Path:
    """A context built from its root by two Dockerfiles: images/a has its own ignore file, images/b has not."""
    root = tmp_path / "ctx"
    _write(
        root,
        {
            ".dockerignore": "*\n!shared/\n!only_root/\n",
            "images/a/Dockerfile": "FROM scratch\nCOPY shared only_a /x/\n",
            "images/a/Dockerfile.dockerignore": "# a's own\n*\n!shared/\n!only_a/\n**/README.md\n",
            "images/b/Dockerfile": "FROM scratch\nCOPY shared only_root /x/\n",
            "shared/s.txt": "shared\n",
            "shared/README.md": "documentation\n",
            "only_a/a.txt": "a\n",
            "only_root/r.txt": "r\n",
        },
    )
    return root


def test_a_dockerfiles_own_ignore_file_takes_over_the_roots(ctx):
    assert ignore_file(str(ctx), "images/a/Dockerfile") == str(ctx / "images/a/Dockerfile.dockerignore")
    assert context_files(str(ctx), "images/a/Dockerfile") == [
        ".dockerignore",  # docker-py always sends the root's (the engine reads it), whatever the patterns
        "images/a/Dockerfile",
        "only_a/a.txt",
        "shared/s.txt",
    ]
    # Without one of its own, a Dockerfile gets the root's, README included (the root's keeps it).
    assert ignore_file(str(ctx), "images/b/Dockerfile") == str(ctx / ".dockerignore")
    assert context_files(str(ctx), "images/b/Dockerfile") == [
        ".dockerignore",
        "images/b/Dockerfile",
        "only_root/r.txt",
        "shared/README.md",
        "shared/s.txt",
    ]
    (ctx / ".dockerignore").unlink()
    assert ignore_file(str(ctx), "images/b/Dockerfile") is None
    assert "only_a/a.txt" in context_files(str(ctx), "images/b/Dockerfile")


def test_the_tar_sent_holds_exactly_the_files_digested(ctx):
    for dockerfile in ("images/a/Dockerfile", "images/b/Dockerfile"):
        with context_tar(str(ctx), dockerfile) as f, tarfile.open(fileobj=f) as tar:
            sent = sorted(m.name for m in tar.getmembers() if m.isfile())
        assert sent == context_files(str(ctx), dockerfile)


def test_a_file_only_one_ignore_file_lets_in_changes_only_that_images_digest(ctx):
    # b with an ignore file of its own too, as images/dagster and images/webhooks have.
    _write(ctx, {"images/b/Dockerfile.dockerignore": "*\n!shared/\n!only_b/\n**/README.md\n", "only_b/b.txt": "b\n"})

    def digests() -> tuple[str, str]:
        return digest_context(str(ctx), "images/a/Dockerfile"), digest_context(str(ctx), "images/b/Dockerfile")

    a, b = digests()
    (ctx / "only_a/a.txt").write_text("a changed\n")
    a2, b2 = digests()
    assert a2 != a
    assert b2 == b
    (ctx / "only_b/b.txt").write_text("b changed\n")
    a3, b3 = digests()
    assert a3 == a2
    assert b3 != b2
    (ctx / "only_root/r.txt").write_text("only the root's lets this in\n")
    (ctx / "shared/README.md").write_text("more documentation\n")
    assert digests() == (a3, b3)
    (ctx / "shared/s.txt").write_text("shared changed\n")
    a4, b4 = digests()
    assert a4 != a3
    assert b4 != b3


def _copy_sources(dockerfile: Path) -> list[str]:
    """The context paths the Dockerfile's COPY instructions read (one instruction a line, no --from)."""
    sources = []
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY "):
            args = [a for a in line.split()[1:] if not a.startswith("--")]
            sources += args[:-1]
    return sources


@pytest.mark.parametrize("service", ["dagster", "webhooks"])
def test_the_images_built_from_the_root_get_exactly_what_their_dockerfile_copies(service):
    build = image_build(service, "lakehouse-base:x")
    assert build.context == "."
    root = project_root()
    sources = _copy_sources(Path(root) / build.dockerfile)
    files = context_files(root, build.dockerfile)
    always = {".dockerignore", build.dockerfile}  # sent by docker-py whatever the patterns
    for rel in set(files) - always:
        assert any(rel == s or rel.startswith(s.rstrip("/") + "/") for s in sources), f"{rel}: no COPY reads it"
    for source in sources:
        assert any(f == source or f.startswith(source.rstrip("/") + "/") for f in files), f"{source} is not sent"
    assert not [f for f in files if "__pycache__" in f or os.path.basename(f) == "README.md"]
    if service == "dagster":
        assert not [f for f in files if f.startswith(("dbt/target/", "dbt/logs/"))]
