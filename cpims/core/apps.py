from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpims.core"
    label = "core"

    def ready(self) -> None:
        from cpims.core.codelists import code_counts, load_code_lists
        from cpims.core.hooks import register_reference_loader

        register_reference_loader(30, load_code_lists, code_counts)
