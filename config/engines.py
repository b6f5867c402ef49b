"""The `flink` and `trino` sections: the stream engine that runs the validation job, and the SQL engine."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from config.fields import DURATION, Port, Section, Switch, Url, int_field, rule, text_field


class FlinkExternal(Section):
    """`flink.external`: a Flink session cluster the stack does not run. The job, its checkpoints and its
    savepoints (in the warehouse bucket, which the cluster's own S3 settings must reach) are managed as
    with the stack's own cluster."""

    rest_url: Url = Field(description="the JobManager's REST API as this machine reaches it")
    sql_gateway_url: Url = Field(description="the SQL Gateway's REST API as this machine reaches it")


class FlinkSettings(Section):
    """`flink`: the stack's Flink session cluster and the validation job, or a cluster it does not run."""

    external: FlinkExternal | None = Field(
        None, description="a Flink session cluster the stack does not run: set, the job runs there"
    )
    # The validation job's name in Flink, and its consumer group's after the name prefix.
    job_name: text_field("letters, digits, '.', '_' or '-'", r"^[A-Za-z0-9._-]{1,100}$") = Field(
        "payments-validation",
        description=(
            "the validation job's name in Flink, its checkpoint and savepoint directories', and its consumer "
            "group's (`<namePrefix>-<jobName>`)"
        ),
    )
    rest_port: Port = Field(8081, description="host port of the JobManager's Web UI and REST API")
    sql_gateway_port: Port = Field(8083, description="host port of the SQL Gateway")
    task_managers: int_field("a TaskManager count", 1, 16) = Field(1, description="TaskManager containers")
    task_slots: int_field("a slot count per TaskManager", 1, 64) = Field(4, description="slots per TaskManager")
    jobmanager_memory_mb: Annotated[
        int_field("a process memory size in MiB", 768, 65536), Field(alias="jobManagerMemoryMb")
    ] = Field(1600, description="the JobManager's Flink process memory (MiB); its container limit adds 256")
    taskmanager_memory_mb: Annotated[
        int_field("a process memory size in MiB", 1024, 65536), Field(alias="taskManagerMemoryMb")
    ] = Field(1600, description="each TaskManager's Flink process memory (MiB); its container limit adds 256")
    checkpoint_interval: text_field("a duration such as 500ms, 10s or 2m", DURATION) = Field(
        "10s",
        description="the job's exactly-once checkpoint interval: rows become visible in the tables at each checkpoint",
    )
    # The validation job's parallelism; its Kafka sources use at most one subtask per topic partition, so
    # more than `topics.<name>.partitions` leaves subtasks idle. A change rescales the job from a savepoint.
    parallelism: int_field("a parallelism", 1, 256) = Field(
        1,
        description=(
            "the validation job's parallelism: at most `taskManagers` x `taskSlots`; above a topic's "
            "`partitions` its source subtasks idle. A change rescales the job from a savepoint"
        ),
    )

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
    """`trino`: Trino on the lake, and the dbt image that runs through it."""

    enabled: Switch = Field(
        True, description="run Trino and build the dbt image; false: neither (dbt runs through Trino)"
    )
    port: Port = Field(8080, description="host port of Trino's HTTP endpoint: the CLI, JDBC and the Web UI")
    memory_mb: int_field("a memory limit in MiB", 1024, 65536) = Field(
        2560, description="Trino's container memory limit (MiB)"
    )
    # Trino's default heap is 80 % of the machine's memory, whatever the container's limit: always bounded.
    heap_mb: int_field("a JVM heap size in MiB", 512, 32768) = Field(
        1536,
        description=(
            "Trino's JVM heap (MiB); must leave 512 of `memoryMb` free. Queries may use 3/8 of it, and 1/4 is "
            "kept as headroom"
        ),
    )

    @model_validator(mode="after")
    def _heap_fits(self) -> TrinoSettings:
        if self.heap_mb > self.memory_mb - 512:
            raise rule("heapMb", f" ({self.heap_mb}) must leave 512 MiB of trino.memoryMb ({self.memory_mb}) free")
        return self
