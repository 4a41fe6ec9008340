from cpims.core.hooks import CpimsAppConfig


class CoreConfig(CpimsAppConfig):
    name = "cpims.core"
    label = "core"
    reference_loaders = [(30, "cpims.core.codelists.load_code_lists", "cpims.core.codelists.code_counts")]
