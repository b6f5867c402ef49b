"""BaseImage and Image providers against the real Docker engine."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from components.service import image_build
from providers.docker import base_image as base_image_mod
from providers.docker.client import context_files, digest_context, ignore_file, project_root
from providers.docker.image import ImageProvider, image_tag
from providers.errors import ImageBuildError

from .conftest import PROJECT, TINY_IMAGE_CONTEXT

pytestmark = pytest.mark.docker  # needs a Docker engine


def _image_props(context: str, **build: object) -> dict:
    return {
        "image_name": "lakehouse-provider-test",
        "build": {"context": context, "dockerfile": "Dockerfile", **build},
        "labels": {"com.pulumi.project": PROJECT},
        "context_digest": digest_context(context, str(build.get("dockerfile", "Dockerfile"))),
    }


def test_base_image_trusts_the_hosts_extra_certificates(dc, base_image):
    ca_dir = base_image_mod.DEFAULT_CA_DIR
    host_cas = sorted(f for f in os.listdir(ca_dir) if f.endswith(".crt")) if os.path.isdir(ca_dir) else []
    listed = dc.containers.run(base_image, ["ls", "/usr/local/share/ca-certificates/host"], remove=True)
    assert sorted(listed.decode().split()) == host_cas
    bundle = dc.containers.run(base_image, ["cat", "/etc/ssl/certs/ca-certificates.crt"], remove=True).decode()
    for crt in host_cas:
        with open(os.path.join(ca_dir, crt)) as f:
            body = "".join(line for line in f.read().splitlines() if "CERTIFICATE" not in line)
        assert body[:200] in bundle.replace("\n", ""), f"{crt} is not in the image's CA bundle"


def test_base_image_read_reports_a_removed_image_as_gone(base_image):
    p = base_image_mod.BaseImageProvider()
    assert p.read(base_image, {"image_ref": base_image}).id == base_image
    assert p.read("lakehouse-base:nope", {"image_ref": "lakehouse-base:nope"}).id == ""


def test_image_tag_follows_the_content_and_build_args(tmp_path, base_image):
    ctx = tmp_path / "ctx"
    shutil.copytree(TINY_IMAGE_CONTEXT, ctx)
    first = image_tag(_image_props(str(ctx), args={"BASE_IMAGE": base_image}))
    assert image_tag(_image_props(str(ctx), args={"BASE_IMAGE": base_image})) == first
    assert image_tag(_image_props(str(ctx), args={"BASE_IMAGE": "other"})) != first
    (ctx / "service.sh").write_text((ctx / "service.sh").read_text() + "# changed\n")
    assert image_tag(_image_props(str(ctx), args={"BASE_IMAGE": base_image})) != first


@pytest.mark.parametrize("service", sorted(os.listdir(os.path.join(project_root(), "images"))))
def test_a_readme_edit_leaves_the_image_alone_and_a_dockerfile_edit_rebuilds_it(tmp_path, service):
    """Image identity is what Docker builds: the files .dockerignore keeps out do not count. Each image is
    checked in a copy of its real context (its directory, or the repository's root for the images that
    bake in code), as a stack builds it."""
    build = image_build(service, "lakehouse-base:x")
    source, ctx = Path(project_root()) / build.context, tmp_path / "ctx"
    own = (Path(project_root()) / "images" / service).relative_to(source)  # the image's directory in it
    kept = {*context_files(str(source), build.dockerfile), ".dockerignore"}
    ignore = ignore_file(str(source), build.dockerfile)  # the Dockerfile's own, for those built from the root
    kept |= {os.path.relpath(ignore, source)} if ignore else set()
    for rel in [*kept, *(str(p.relative_to(source)) for p in (source / own).rglob("README*"))]:
        if (source / rel).exists():
            (ctx / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, ctx / rel)

    def tag() -> str:
        return image_tag(_image_props(str(ctx), dockerfile=build.dockerfile, args={"BASE_IMAGE": "lakehouse-base:x"}))

    before = tag()
    readmes = sorted((ctx / own).rglob("README*"))
    assert readmes, f"images/{service} has no README"
    for readme in readmes:
        readme.write_text(readme.read_text() + "\nOne more line of documentation.\n")
    assert tag() == before

    dockerfile = ctx / build.dockerfile
    dockerfile.write_text(dockerfile.read_text() + "# a change Docker sees\n")
    assert tag() != before


def test_image_builds_once_then_reuses_and_rebuilds_on_change(dc, tmp_path, base_image):
    ctx = tmp_path / "ctx"
    shutil.copytree(TINY_IMAGE_CONTEXT, ctx)
    # Content of its own: the tags this test removes must not be the session's shared tiny image.
    (ctx / "test-id.txt").write_text(uuid.uuid4().hex)
    p = ImageProvider()
    props = _image_props(str(ctx), args={"BASE_IMAGE": base_image})
    created = p.create(props)
    ref = created.outs["image_ref"]
    try:
        assert dc.images.get(ref).id == created.outs["image_id"]
        assert p.create(props).outs["image_id"] == created.outs["image_id"]  # same content: no rebuild

        (ctx / "extra.txt").write_text("new content\n")
        changed = _image_props(str(ctx), args={"BASE_IMAGE": base_image})
        diff = p.diff(created.id, created.outs, changed)
        assert (diff.changes, diff.replaces) == (True, [])  # rebuilt in place under a new tag
        updated = p.update(created.id, created.outs, changed).outs
        assert updated["image_ref"] != ref
        assert dc.images.get(updated["image_ref"]).id == updated["image_id"]
        assert p.diff(created.id, created.outs, {**props, "image_name": "other"}).replaces == ["image_name"]
        dc.images.remove(updated["image_ref"])
    finally:
        dc.images.remove(ref)
    assert p.read(created.id, created.outs).id == ""


def test_an_image_gets_what_its_dockerfiles_own_ignore_file_lets_in_not_what_the_roots_does(dc, tmp_path, base_image):
    """The engine's legacy builder knows only the root's .dockerignore: the provider sends the context the
    Dockerfile's own ignore file makes, the one the tag's digest covers."""
    ctx = tmp_path / "ctx"
    files = {
        ".dockerignore": "*\n!shared/\n!only_root/\n",
        "img/Dockerfile": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /ctx/\n",
        "img/Dockerfile.dockerignore": "*\n!shared/\n!only_own/\n**/README.md\n",
        "shared/test-id.txt": uuid.uuid4().hex,  # a tag of its own, removed below
        "shared/README.md": "documentation\n",
        "only_own/own.txt": "let in by img/Dockerfile.dockerignore\n",
        "only_root/root.txt": "let in by the root's .dockerignore only\n",
    }
    for rel, text in files.items():
        (ctx / rel).parent.mkdir(parents=True, exist_ok=True)
        (ctx / rel).write_text(text)
    sent = set(context_files(str(ctx), "img/Dockerfile"))
    assert sent == {".dockerignore", "img/Dockerfile", "shared/test-id.txt", "only_own/own.txt"}

    created = ImageProvider().create(
        _image_props(str(ctx), dockerfile="img/Dockerfile", args={"BASE_IMAGE": base_image})
    )
    ref = created.outs["image_ref"]
    try:
        listed = dc.containers.run(ref, ["find", "/ctx", "-type", "f"], remove=True).decode().split()
    finally:
        dc.images.remove(ref)
    found = {os.path.relpath(p, "/ctx") for p in listed}
    assert {"shared/test-id.txt", "only_own/own.txt"} <= found
    assert not found & {"only_root/root.txt", "shared/README.md", "img/Dockerfile.dockerignore"}
    # The legacy builder drops the Dockerfile and .dockerignore the root's patterns exclude; nothing else.
    assert found - {".dockerignore", "img/Dockerfile"} == sent - {".dockerignore", "img/Dockerfile"}


def test_a_failing_build_reports_the_end_of_its_log(tmp_path, base_image):
    ctx = tmp_path / "broken"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo about-to-fail-on-purpose && exit 7\n")
    with pytest.raises(ImageBuildError) as err:
        ImageProvider().create(_image_props(str(ctx), args={"BASE_IMAGE": base_image}))
    assert "about-to-fail-on-purpose" in str(err.value)
    assert "returned a non-zero code: 7" in str(err.value)
    log_file = str(err.value).split("(whole log: ", 1)[1].split(")", 1)[0]
    with open(log_file) as f:
        whole = f.read()
    assert whole.startswith("Step 1/"), "the log starts at the first build step"
    assert "about-to-fail-on-purpose" in whole
