"""WSGI entry point for gunicorn and other servers: `gunicorn 'desk.wsgi:app'`. The
X-Forwarded headers of DESK_PROXY_COUNT reverse proxies are read here (`trust_proxies`),
as `desk serve` has waitress read them."""

from desk import create_app, trust_proxies

app = trust_proxies(create_app())
