"""Who made a change, for the change history (django-simple-history).

Every history row carries the acting user:

* in a web or API request, the signed-in user (``simple_history``'s ``HistoryRequestMiddleware``,
  in settings; an API token's user too, as DRF sets it on the request);
* elsewhere (a background task working for a user, a management command), the user named with
  ``acting_as(user)`` around the work;
* an action that sets ``obj._history_user`` itself keeps that.

The ``pre_create_historical_record`` handler fills in ``history_user`` from ``acting_as`` when
nothing else set it; outside both (a scheduled job with no user) the row says nobody.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("cpims_history_actor", default=None)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Record ``user`` as the author of the history rows written inside this block."""
    token = _actor.set(user if user is not None and getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Any:
    return _actor.get()


def fill_history_user(*, history_instance: Any, **kwargs: Any) -> None:
    """``pre_create_historical_record``: the acting user when neither the instance nor the request
    named one."""
    if getattr(history_instance, "history_user_id", None) is None:
        actor = _actor.get()
        if actor is not None:
            history_instance.history_user = actor
