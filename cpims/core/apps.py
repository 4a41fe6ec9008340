import logging
from typing import Any

from django.core.management import call_command
from django.db.models.signals import post_migrate
from django_tasks.signals import task_enqueued, task_finished, task_started

from cpims.core import context
from cpims.core.hooks import CpimsAppConfig

log = logging.getLogger("cpims.tasks")


def _task_enqueued(*, task_result: Any, **kwargs: Any) -> None:
    # This line carries the enqueuing request's id beside the task's: the link between the two.
    log.info("Task %s enqueued: %s", task_result.id, task_result.task.module_path)


def _task_started(*, task_result: Any, **kwargs: Any) -> None:
    context.bind(request="", task=str(task_result.id))


def _task_finished(*, task_result: Any, **kwargs: Any) -> None:
    context.bind(task="")


def _create_cache_table(*, using: str = "default", **kwargs: Any) -> None:
    """The database cache's table, made (once) wherever migrations run, so the shared rate limits
    work without a separate set-up step."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(CpimsAppConfig):
    name = "cpims.core"
    label = "core"
    reference_loaders = [(30, "cpims.core.codelists.load_code_lists", "cpims.core.codelists.code_counts")]

    def connect(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="cpims.core.cache_table")
        task_enqueued.connect(_task_enqueued, dispatch_uid="cpims.core.task_enqueued")
        task_started.connect(_task_started, dispatch_uid="cpims.core.task_started")
        task_finished.connect(_task_finished, dispatch_uid="cpims.core.task_finished")
        from simple_history.signals import pre_create_historical_record

        from cpims.core import history, taskqueue

        pre_create_historical_record.connect(history.fill_history_user, dispatch_uid="cpims.core.history_user")

        # Each task's time limit and retries with back-off (cpims.core.taskqueue).
        task_started.connect(taskqueue.start_timer, dispatch_uid="cpims.core.task_timer")
        task_finished.connect(taskqueue.stop_timer_and_retry, dispatch_uid="cpims.core.task_retry")
        from cpims.core.metrics import register_gauges, task_queue_gauges

        register_gauges(task_queue_gauges)
