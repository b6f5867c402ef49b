# The two commands a newcomer needs: `make up` and `make test`. Both bootstrap first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

STACK ?= dev
VENV := $(CURDIR)/.venv
PULUMI_VERSION := $(shell sed -n 's|.*github.com/pulumi/pulumi/pkg/v3 \(v[0-9.]*\)$$|\1|p' tools/pulumi-cli/go.mod)
LAKEHOUSE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/streaming-lakehouse

export LAKEHOUSE_CACHE
export PATH := $(LAKEHOUSE_CACHE)/pulumi-$(PULUMI_VERSION):$(VENV)/bin:$(PATH)
export PULUMI_PYTHON_CMD := $(VENV)/bin/python
# Local state, no account: a file backend inside the checkout and passphrase-encrypted secrets.
export PULUMI_BACKEND_URL ?= file://$(CURDIR)/.state
export PULUMI_HOME ?= $(CURDIR)/.state/home
export PULUMI_CONFIG_PASSPHRASE ?= streaming-lakehouse-dev
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true

PULUMI := pulumi --non-interactive --stack $(STACK)

.PHONY: help bootstrap stack up down preview refresh outputs test test-faults test-unit lint format dbt-artifacts docs lock generators-logs flink-sql flink-attach status docker-status docker-logs trino dbt dq maintenance dagster-screenshot idle-cost bench clean-images env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-19s %s\n", $$1, $$2}'

bootstrap: ## install what is missing: Docker engine, Pulumi CLI, virtualenv (idempotent)
	@bash tools/bootstrap.sh

stack: bootstrap
	@mkdir -p .state
	@pulumi stack select --create --secrets-provider passphrase $(STACK) --non-interactive

up: stack ## bring the stack up (STACK=dev)
	$(PULUMI) up --yes

down: stack ## destroy the stack: every container, network and volume it made
	$(PULUMI) destroy --yes

preview: stack ## show what `make up` would change
	$(PULUMI) preview --diff

refresh: stack ## reconcile state with what really runs
	$(PULUMI) refresh --yes

outputs: stack ## endpoints of the running stack
	$(PULUMI) stack output

test: bootstrap lint ## lint, then every test (unit, providers against Docker, stack lifecycle) and a representative fault
	$(VENV)/bin/pytest -m "not faults or representative"

test-faults: bootstrap ## the fault suite on a throwaway stack: restarts, a paused catalog, a Docker daemon restart
	$(VENV)/bin/pytest tests/stack -m faults -rP

test-unit: bootstrap ## only the tests that need no Docker engine
	$(VENV)/bin/pytest -m "not docker"

lint: bootstrap ## ruff lint and format check; actionlint on the pull-request workflow
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(LAKEHOUSE_CACHE)/actionlint/actionlint

format: bootstrap ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

dbt-artifacts: ## rewrite the dbt files generated from payments/ (sources.yml, event fields macro, seeds): run after changing payments/
	$(VENV)/bin/python -m tools.dbt_artifacts

docs: ## rewrite docs/configuration.md from the config models: run after changing a config field
	$(VENV)/bin/python -m tools.config_reference

PIP_TOOLS_VERSION := 7.7.0
# Versions already pinned in requirements.txt stay unless requirements.in needs others: delete a line to move it.
lock: ## resolve requirements.in into requirements.txt, every version pinned with its hashes (pip-tools, in a throwaway venv)
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install -q pip-tools==$(PIP_TOOLS_VERSION)
	CUSTOM_COMPILE_COMMAND="make lock" .lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.txt requirements.in
	rm -rf .lock-venv

generators-logs: stack ## the generators' status and the latest events on each payment topic
	$(VENV)/bin/python -m lakehouse.peek_topics --stack $(STACK)

.PHONY: generators-rates generators-burst
WINDOW ?= 300
BURST ?= 100000

generators-rates: stack ## events reaching each topic over WINDOW seconds (default 300) vs the configured rates
	$(VENV)/bin/python -m lakehouse.peek_topics --stack $(STACK) --window $(WINDOW)

generators-burst: stack ## benchmark burst: BURST (default 100000) events per type, as fast as JR can
	$(VENV)/bin/python -m lakehouse.generators_burst --stack $(STACK) --events $(BURST)

.PHONY: webhooks-accounting
webhooks-accounting: stack ## per provider: webhooks the generators got 2xx/401 for vs records on the raw and rejected topics
	$(VENV)/bin/python -m lakehouse.webhooks --stack $(STACK)

flink-sql: stack ## the Flink SQL client on the Iceberg tables (SQL="..." runs statements and exits)
	$(VENV)/bin/python -m lakehouse.flink_sql --stack $(STACK) $(if $(SQL),-e "$(SQL)")

flink-attach: flink-sql ## the same as make flink-sql

status: stack ## every container's health, the job's state, consumer lag per topic, rows per table
	$(VENV)/bin/python -m lakehouse.status --stack $(STACK)

docker-status: status ## the same as make status

dq: stack ## run payment_dq_monitoring_job in the stack's Dagster now; print every check's outcome
	$(VENV)/bin/python -m lakehouse.dagster_run --stack $(STACK) payment_dq_monitoring_job

maintenance: stack ## run table_maintenance_job now (compaction, snapshot expiry, orphan files)
	$(VENV)/bin/python -m lakehouse.dagster_run --stack $(STACK) table_maintenance_job

dagster-screenshot: stack ## the pictures of the Dagster UI in docs/serving.md (PAGE=/assets), with headless Chromium
	$(VENV)/bin/python -m lakehouse.dagster_screenshot --stack $(STACK) --page $(or $(PAGE),/assets)

docker-logs: ## a service's logs, followed (SERVICE=kafka, flink-jobmanager, trino, ...; every service when unset)
	@names=$$(docker ps --filter "label=com.pulumi.stack=$(STACK)" --format '{{.Names}}' | grep -E -- '-$(or $(SERVICE),.*)$$'); \
	[ -n "$$names" ] || { echo "no running container of stack $(STACK) named *-$(SERVICE)"; exit 1; }; \
	echo "$$names" | xargs -P 32 -I{} sh -c 'docker logs -f --tail 20 {} 2>&1 | sed "s/^/{}: /"'

trino: stack ## the Trino CLI on the iceberg catalog (SQL="..." runs statements and exits)
	@c=$$($(PULUMI) stack output trino_container) && if [ -n "$$SQL" ]; then \
	  docker exec "$$c" trino --catalog iceberg --execute "$$SQL"; \
	else docker exec -it "$$c" trino --catalog iceberg; fi

dbt: stack ## dbt in the stack against its Trino (ARGS="build" by default; e.g. ARGS="run -s silver")
	$(VENV)/bin/python -m lakehouse.dbt --stack $(STACK) $(ARGS)

IDLE_WINDOW ?= 60
idle-cost: stack ## CPU the running stack takes at its event rates, over IDLE_WINDOW seconds (default 60)
	$(VENV)/bin/python -m lakehouse.idle_cost --stack $(STACK) --seconds $(IDLE_WINDOW)

bench: stack ## the benchmark suite on the running stack: limit, peer and ours side by side, freshness, memory (EVENTS=1000000 REPEATS=3 ARGS=...)
	$(VENV)/bin/python -m bench --stack $(STACK) $(if $(EVENTS),--events $(EVENTS)) $(if $(REPEATS),--repeats $(REPEATS)) $(ARGS)

clean-images: bootstrap ## remove the project's cached images (they rebuild on the next up)
	$(VENV)/bin/python tools/clean_images.py

env: ## print exports that put this project's pulumi on PATH: eval "$$(make -s env)"
	@echo 'export PATH="$(PATH)" PULUMI_PYTHON_CMD="$(PULUMI_PYTHON_CMD)" PULUMI_BACKEND_URL="$(PULUMI_BACKEND_URL)" PULUMI_HOME="$(PULUMI_HOME)" PULUMI_CONFIG_PASSPHRASE="$(PULUMI_CONFIG_PASSPHRASE)" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true'

# The docker-compose-style verbs: `make up` already declares what they do by hand elsewhere, so each says
# what Pulumi did, then checks it or changes only what is missing (lakehouse/verbs.py).
.PHONY: docker-up docker-down docker-restart docker-polaris-init jr-create-topics flink-submit-jobs docker-jr
VERBS = $(VENV)/bin/python -m lakehouse.verbs --stack $(STACK)

docker-up: up ## make up: Pulumi creates what is missing and starts what docker-down stopped
	@echo "docker-up is make up: every resource is as the stack config declares, stopped containers started"

docker-down: stack ## stop the stack's containers, keeping them, their volumes and the state (make down destroys)
	$(VERBS) stop

docker-restart: stack ## restart the stack's containers (SERVICE=kafka, ... only those) until healthy; check the job
	$(VERBS) restart $(if $(SERVICE),--service $(SERVICE))

docker-polaris-init: stack ## the catalog, warehouse and namespace make up declared: print them, check they answer
	$(VERBS) catalog

jr-create-topics: stack ## the topics make up declared, with partitions and configs; fails if one is missing
	$(VERBS) topics

flink-submit-jobs: stack ## make sure the validation job runs: resubmit it through Pulumi if it does not
	$(VERBS) job

docker-jr: stack ## start the generators (stopped, or all off in the config), then their state, rates, latest events
	$(VERBS) generators
