"""Prometheus metrics at /metrics: requests and their latency (by view name, never by path), and
gauges read from the database when scraped (task queue depth and age, and what apps register,
e.g. the caseload facts' lag and sign-in failures).

Under gunicorn each worker is a process: with ``PROMETHEUS_MULTIPROC_DIR`` set (``make run`` sets
it) the counters of all workers are summed at scrape time. No label holds a path, a user or an id.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

REQUESTS = Counter("cpims_requests_total", "HTTP requests answered", ["method", "view", "status"])
LATENCY = Histogram(
    "cpims_request_seconds",
    "Time to answer an HTTP request",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

Reading = list[tuple[str, str, float]]  # (metric name, help, value)
_READERS: list[Callable[[], Reading]] = []


def register_gauges(read: Callable[[], Reading]) -> None:
    """Gauges an app reads from the database at each scrape (a few cheap queries)."""
    if read not in _READERS:
        _READERS.append(read)


class _DatabaseGauges(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for read in _READERS:
            for name, help_text, value in read():
                yield GaugeMetricFamily(name, help_text, value=float(value))


def task_queue_gauges() -> Reading:
    from cpims.core import taskqueue

    q = taskqueue.state()
    return [
        ("cpims_task_queue_waiting", "Background tasks ready to run", q.waiting),
        ("cpims_task_queue_oldest_wait_seconds", "How long the oldest waiting task has waited", q.oldest_wait_seconds),
        ("cpims_task_stuck", "Background tasks running past their timeout", q.stuck),
        ("cpims_task_failed_last_day", "Background tasks failed in the last 24 hours", q.failed_last_day),
    ]


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        LATENCY.labels(view).observe(time.perf_counter() - start)
        REQUESTS.labels(request.method or "-", view, f"{response.status_code // 100}xx").inc()
        return response


def _allowed(request: HttpRequest) -> bool:
    """With CPIMS_METRICS_TOKEN set, the scraper sends it as a bearer token; without it, only a
    direct loopback request (not one forwarded by the proxy) may read the metrics."""
    token = getattr(settings, "CPIMS_METRICS_TOKEN", "")
    if token:
        return request.headers.get("Authorization", "") == f"Bearer {token}"
    direct = "X-Forwarded-For" not in request.headers
    return direct and request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry()
    database.register(_DatabaseGauges())
    return HttpResponse(generate_latest(processes) + generate_latest(database), content_type=CONTENT_TYPE_LATEST)
