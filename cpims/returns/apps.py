from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cpims.returns"
    label = "returns"

    def ready(self) -> None:
        # Registers the subcounty and partner return kinds and the overdue-return task source.
        from cpims.cases.tasks import register_task_source
        from cpims.returns.kinds import register_default_kinds
        from cpims.returns.queries import return_tasks

        register_default_kinds()
        register_task_source(return_tasks)
