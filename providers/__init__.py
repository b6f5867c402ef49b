"""Pulumi dynamic providers over well-kept client libraries.

Provider plugins such as pulumi-docker are binaries downloaded at run time, which this project cannot
do, so each resource here is a dynamic provider whose names and properties follow the official
provider's where one exists (`docker:Container` -> `providers.docker.Container`).
"""
