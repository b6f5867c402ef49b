"""A Python language host for the Pulumi CLI that `make bootstrap` builds from Go sources.

Pulumi's own host (`pulumi-language-python`) is a Go module the module proxy does not serve, so
this one runs `__main__.py` in-process with the Python SDK's runtime, the way the SDK's automation
server runs inline programs. The CLI starts it with the engine address as the last argument and
reads the port it listens on from the first line of stdout.
"""

from __future__ import annotations

import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pulumi
from pulumi.runtime import reset_options, run_in_stack, set_all_config
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

VERSION = "0.1.0"


def _engine_address(argv: list[str]) -> str:
    """The engine address is the last argument that is not a flag (`-root=...`, `-v=9`)."""
    positional = [arg for arg in argv if not arg.startswith("-")]
    return positional[-1] if positional else ""


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, engine_address: str) -> None:
        self.engine_address = engine_address

    def GetPluginInfo(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC method name)
        return plugin_pb2.PluginInfo(version=VERSION)

    def GetRequiredPlugins(self, request: Any, context: Any) -> Any:  # noqa: N802
        # Every provider here is a dynamic provider: there is no plugin to download.
        return language_pb2.GetRequiredPluginsResponse()

    def GetRequiredPackages(self, request: Any, context: Any) -> Any:  # noqa: N802
        return language_pb2.GetRequiredPackagesResponse()

    def About(self, request: Any, context: Any) -> Any:  # noqa: N802
        version = ".".join(str(part) for part in sys.version_info[:3])
        return language_pb2.AboutResponse(executable=sys.executable, version=version)

    def InstallDependencies(self, request: Any, context: Any) -> Any:  # noqa: N802
        # `make bootstrap` owns the virtualenv; nothing to stream back.
        return iter(())

    def Run(self, request: Any, context: Any) -> Any:  # noqa: N802
        program_dir = request.info.program_directory or request.pwd
        main = os.path.join(program_dir, request.info.entry_point or "__main__.py")
        if os.path.isdir(main):
            main = os.path.join(main, "__main__.py")
        os.chdir(request.pwd or program_dir)
        if program_dir not in sys.path:
            sys.path.insert(0, program_dir)

        reset_options(
            project=request.project,
            stack=request.stack,
            root_directory=request.info.root_directory or program_dir,
            parallel=request.parallel,
            engine_address=self.engine_address,
            monitor_address=request.monitor_address,
            preview=request.dryRun,
            organization=request.organization or "organization",
        )
        set_all_config(dict(request.config), list(request.configSecretKeys))

        # Unobserved failed futures are expected when a program fails part-way.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        loop = asyncio.new_event_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=max(request.parallel, 1) * 4))
        result = language_pb2.RunResponse()
        try:
            loop.run_until_complete(run_in_stack(lambda: runpy.run_path(main, run_name="__main__")))
        except pulumi.RunError as exc:
            # Our own errors (bad config and the like) are written for people: no traceback.
            pulumi.log.error(str(exc))
            result.bail = True  # reported above; the CLI adds nothing

        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNAVAILABLE:  # UNAVAILABLE: the engine is shutting down
                result.error = f"RPC error: {exc.details()}"
        except Exception:  # noqa: BLE001 -- every program failure is reported to the engine
            pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
            result.bail = True
        finally:
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.close()
            sys.stdout.flush()
            sys.stderr.flush()
        return result


def main() -> None:
    server = grpc.server(ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(_engine_address(sys.argv[1:])), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        # The CLI interrupts its plugins when it is done with them: a normal way to stop.
        server.stop(grace=None)


if __name__ == "__main__":
    main()
