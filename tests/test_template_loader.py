"""Templates are compiled once per process (the cached loader), not read and parsed per request."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_the_cached_template_loader_is_in_use() -> None:
    engine = engines["django"].engine  # type: ignore[attr-defined]
    loaders = engine.template_loaders
    assert len(loaders) == 1 and isinstance(loaders[0], CachedLoader)
    first = engine.get_template("base.html")
    assert engine.get_template("base.html") is first  # the second lookup is the compiled copy
