"""Static files with versioned addresses, cached by browsers for a year.

Every `url_for('static', filename=...)` gets the file's content hash as `?v=<hash>`
(a url_defaults hook: templates keep writing plain url_for). A request that names the
file's current hash is answered with `Cache-Control: public, max-age=31536000,
immutable`: the browser keeps it and asks again only when a page names another hash,
which a changed file gets at once. Any other request for a static file (no hash, or an
old one after an update) is revalidated each time (`no-cache`, with ETag and
Last-Modified: a 304 when nothing changed).
"""

import hashlib
import os

from flask import current_app, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
YEAR_SECONDS = 365 * 24 * 60 * 60
HASH_LENGTH = 12

# path -> ((modification time, size), hash); computed again when the file changes
_known = {}


def version_of(filename):
    """The content hash of a file of the static folder, or None if there is none."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    if stat is None:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    known = _known.get(path)
    if known is not None and known[0] == key:
        return known[1]
    with open(path, "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()[:HASH_LENGTH]
    _known[path] = (key, digest)
    return digest


def add_version(endpoint, values):
    """url_defaults: `?v=<hash>` on every link to a static file."""
    if endpoint == "static" and VERSION_ARG not in values:
        version = version_of(values.get("filename", ""))
        if version is not None:
            values[VERSION_ARG] = version


def cache_versioned(response):
    """after_request: a year, immutable, for a static file asked for by its current
    hash; Flask's `no-cache` (revalidate) for anything else."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get(VERSION_ARG)
    if asked and asked == version_of(request.view_args["filename"]):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_SECONDS
        response.cache_control.immutable = True
    return response


def init_assets(app):
    app.url_defaults(add_version)
    app.after_request(cache_versioned)
