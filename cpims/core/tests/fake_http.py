"""A fake HTTP server for the adapters' tests (DHIS2, IPRS): a real socket on a free loopback port,
a thread per request, stopped when the test ends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], *, before_stop: Callable[[], None] | None = None) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1; yields the base URL (``http://127.0.0.1:<port>``).
    ``before_stop`` runs first at the end (e.g. to release a request that is made to wait)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        if before_stop is not None:
            before_stop()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
