"""The URL table of JSON API v1."""

from flask import Blueprint

from desk.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
