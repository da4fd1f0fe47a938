"""WSGI entry point for gunicorn and other servers: `gunicorn 'desk.wsgi:app'`. The
X-Forwarded headers of DESK_PROXY_COUNT reverse proxies are read here (`trust_proxies`),
as `desk serve` has waitress read them. When several worker processes serve without
DESK_REDIS_URL, a warning says that each keeps its own rate limits."""

import os
import sys

from desk import create_app, logger, trust_proxies
from desk.config import serving_processes, unshared_limit_warnings

app = trust_proxies(create_app())
for warning in unshared_limit_warnings(app.config, serving_processes(os.environ, sys.argv)):
    logger.warning(warning)
