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

.PHONY: help bootstrap stack up down preview refresh outputs test test-unit lint format clean-images env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

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

test: bootstrap lint ## lint, then every test (unit, providers against Docker, stack lifecycle)
	$(VENV)/bin/pytest

test-unit: bootstrap ## only the tests that need no Docker engine
	$(VENV)/bin/pytest -m "not docker"

lint: bootstrap ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: bootstrap ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean-images: bootstrap ## remove the project's cached images (they rebuild on the next up)
	$(VENV)/bin/python tools/clean_images.py

env: ## print exports that put this project's pulumi on PATH: eval "$$(make -s env)"
	@echo 'export PATH="$(PATH)" PULUMI_PYTHON_CMD="$(PULUMI_PYTHON_CMD)" PULUMI_BACKEND_URL="$(PULUMI_BACKEND_URL)" PULUMI_HOME="$(PULUMI_HOME)" PULUMI_CONFIG_PASSPHRASE="$(PULUMI_CONFIG_PASSPHRASE)" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true'
