#!/usr/bin/env bash
# `make bootstrap`: everything `make up` and `make test` need on a fresh Debian machine.
# Idempotent: a second run only checks, and takes seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${LAKEHOUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streaming-lakehouse}
PULUMI_VERSION=$(sed -n 's|.*github.com/pulumi/pulumi/pkg/v3 \(v[0-9.]*\)$|\1|p' "$ROOT/tools/pulumi-cli/go.mod")
PULUMI_DIR="$CACHE/pulumi-$PULUMI_VERSION"
VENV="$ROOT/.venv"
# actionlint checks .github/workflows in `make lint`: the workflows cannot run here.
ACTIONLINT_VERSION=v1.7.12
ACTIONLINT_DIR="$CACHE/actionlint"
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/streaming-lakehouse-dockerd.log}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }
is_root_on_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; }

apt_install() {
  log "installing Debian packages: $*"
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

docker_answers() { timeout 10 "$VENV/bin/python" -c 'import docker; docker.from_env().ping()' >/dev/null 2>&1; }

ensure_debian_tools() {
  # mmdebstrap builds the base image when no registry answers (always, on these machines).
  local missing=()
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  if ! command -v dockerd >/dev/null && ! docker_answers; then missing+=(docker.io); fi
  [ ${#missing[@]} -eq 0 ] && return
  is_root_on_debian || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run make bootstrap as root on Debian"
  apt_install "${missing[@]}"
}

ensure_docker() {
  docker_answers && return
  local where=${DOCKER_HOST:-unix:///var/run/docker.sock}
  if [ -n "${DOCKER_HOST:-}" ] || ! is_root_on_debian; then
    die "Docker engine not reachable at $where: start it, or run make bootstrap as root on Debian to install and start one"
  fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  # No iptables, no masquerading: containers reach each other and published loopback ports, never the outside.
  nohup dockerd --iptables=false --ip-masq=false >>"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 60); do
    docker_answers && return
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

ensure_pulumi() {
  if [ -x "$PULUMI_DIR/pulumi" ]; then
    :
  elif command -v pulumi >/dev/null; then
    log "using $(command -v pulumi) ($(pulumi version))"
    return
  else
    command -v go >/dev/null || die "no pulumi on PATH and no Go toolchain to build it: install Go >= 1.26"
    log "building the Pulumi CLI $PULUMI_VERSION from the Go module proxy into $PULUMI_DIR (a few minutes, once)"
    mkdir -p "$PULUMI_DIR"
    (cd "$ROOT/tools/pulumi-cli" && go build -trimpath \
      -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      -o "$PULUMI_DIR/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    mv "$PULUMI_DIR/pulumi.tmp" "$PULUMI_DIR/pulumi"
  fi
  local got
  got=$("$PULUMI_DIR/pulumi" version)
  [ "$got" = "$PULUMI_VERSION" ] || die "$PULUMI_DIR/pulumi reports $got, expected $PULUMI_VERSION: delete $PULUMI_DIR and rerun"
  # The plugin hosts sit next to the CLI, where it looks for bundled plugins.
  for f in langhost.py pulumi-language-python pulumi-resource-pulumi-python; do
    cmp -s "$ROOT/tools/pulumi-cli/$f" "$PULUMI_DIR/$f" || install -m 0755 "$ROOT/tools/pulumi-cli/$f" "$PULUMI_DIR/$f"
  done
}

ensure_actionlint() {
  [ "$("$ACTIONLINT_DIR/actionlint" -version 2>/dev/null | head -1)" = "$ACTIONLINT_VERSION" ] && return
  command -v go >/dev/null || die "no Go toolchain to build actionlint $ACTIONLINT_VERSION: install Go >= 1.26"
  log "building actionlint $ACTIONLINT_VERSION from the Go module proxy into $ACTIONLINT_DIR (seconds, once)"
  GOBIN="$ACTIONLINT_DIR" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
}

ensure_venv() {
  local want have=""
  want=$(cat "$ROOT/requirements.txt" "$ROOT/pyproject.toml" <(python3 --version) | sha256sum | cut -d' ' -f1)
  [ -f "$VENV/.requirements.sha256" ] && have=$(cat "$VENV/.requirements.sha256")
  [ "$want" = "$have" ] && return
  log "creating the virtualenv $VENV from requirements.txt"
  python3 -m venv "$VENV"
  # Every package, its version and its hashes as locked: nothing else is installed.
  "$VENV/bin/pip" install -q --require-hashes -r "$ROOT/requirements.txt"
  # The project itself, editable, so the dynamic-provider host (started by Pulumi from anywhere) and the
  # throwaway stacks of the tests import `providers`, `components` and `config` from this checkout. Its
  # dependencies are the locked ones above; the locked setuptools builds it. (Earlier bootstraps put the
  # checkout on the path with a .pth file: gone.)
  rm -f "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/streaming_lakehouse.pth"
  "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e "$ROOT"
  echo "$want" >"$VENV/.requirements.sha256"
}

ensure_venv
ensure_debian_tools
ensure_docker
ensure_pulumi
ensure_actionlint
log "bootstrap complete: pulumi $PULUMI_VERSION, docker $("$VENV/bin/python" -c 'import docker; print(docker.from_env().version()["Version"])')"
