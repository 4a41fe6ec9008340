"""Health check of a CPIMS web process (the image's HEALTHCHECK, compose.yaml, scripts/stack.sh).

    python deploy/healthcheck.py [URL]     # default http://127.0.0.1:8000/livez

Exit 0 when the process answers the URL with 200, else 1. The request names the first of
ALLOWED_HOSTS as its host and says it came over HTTPS (as the TLS proxy does), so production's
host check and HTTPS redirect let it through. Standard library only: it runs in the slim image.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/livez"
    if not url.startswith("http://"):
        return 1
    host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip().lstrip(".") or "localhost"
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - http on our own host
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
