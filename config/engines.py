"""The `flink` and `trino` sections: the stream engine that runs the validation job, and the SQL engine."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from config.fields import DURATION, Port, Section, Switch, Url, int_field, rule, text_field


class FlinkExternal(Section):
    """`flink.external`: a Flink session cluster the stack does not run. The job, its checkpoints and its
    savepoints (in the warehouse bucket, which the cluster's own S3 settings must reach) are managed as
    with the stack's own cluster."""

    rest_url: Url  # the JobManager's REST API as this machine reaches it
    sql_gateway_url: Url  # the SQL Gateway's REST API as this machine reaches it


class FlinkSettings(Section):
    external: FlinkExternal | None = None  # set: run the job on this cluster instead of one of the stack's
    # The validation job's name in Flink, and its consumer group's after the name prefix.
    job_name: text_field("letters, digits, '.', '_' or '-'", r"^[A-Za-z0-9._-]{1,100}$") = "payments-validation"
    rest_port: Port = 8081
    sql_gateway_port: Port = 8083
    task_managers: int_field("a TaskManager count", 1, 16) = 1
    task_slots: int_field("a slot count per TaskManager", 1, 64) = 4
    jobmanager_memory_mb: Annotated[
        int_field("a process memory size in MiB", 768, 65536), Field(alias="jobManagerMemoryMb")
    ] = 1600
    taskmanager_memory_mb: Annotated[
        int_field("a process memory size in MiB", 1024, 65536), Field(alias="taskManagerMemoryMb")
    ] = 1600
    checkpoint_interval: text_field("a duration such as 500ms, 10s or 2m", DURATION) = "10s"
    # The validation job's parallelism; its Kafka sources use at most one subtask per topic partition, so
    # more than `topics.<name>.partitions` leaves subtasks idle. A change rescales the job from a savepoint.
    parallelism: int_field("a parallelism", 1, 256) = 1

    @model_validator(mode="after")
    def _slots_for_the_job(self) -> FlinkSettings:
        if self.parallelism > self.task_managers * self.task_slots:
            raise rule(
                "parallelism",
                f" ({self.parallelism}) needs that many slots: flink.taskManagers x flink.taskSlots is "
                f"{self.task_managers * self.task_slots}",
            )
        return self


class TrinoSettings(Section):
    enabled: Switch = True  # false: no Trino, and no dbt (it runs through Trino)
    port: Port = 8080  # HTTP: the CLI, JDBC and the web UI on the host
    memory_mb: int_field("a memory limit in MiB", 1024, 65536) = 2560
    # Trino's default heap is 80 % of the machine's memory, whatever the container's limit: always bounded.
    heap_mb: int_field("a JVM heap size in MiB", 512, 32768) = 1536

    @model_validator(mode="after")
    def _heap_fits(self) -> TrinoSettings:
        if self.heap_mb > self.memory_mb - 512:
            raise rule("heapMb", f" ({self.heap_mb}) must leave 512 MiB of trino.memoryMb ({self.memory_mb}) free")
        return self
