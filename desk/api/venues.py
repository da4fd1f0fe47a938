"""Venues: the public list."""

from desk.api import inputs
from desk.api.serializers import page_json, venue_json
from desk.core.web import json_response
from desk.events import queries

LIST_PARAMETERS = ("cursor", "limit")


def list_venues():
    inputs.check_query_names(LIST_PARAMETERS)
    after = inputs.query_cursor(str, int)
    limit = inputs.query_limit()
    found = queries.venues_page(after=after, limit=limit + 1)
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        next_cursor = inputs.encode_cursor(page[-1].name_kana, page[-1].id)
    return json_response(page_json([venue_json(venue) for venue in page], next_cursor))
