"""The personal calendar feed over HTTP: no login, opened by its secret token (a new
token revokes the old address at once). Calendar apps poll it; the answer carries an
ETag, so an unchanged feed costs them a 304."""

from flask import Response, abort, request

from desk.core.timeutil import utcnow
from desk.volunteers import feed as builder

FEED_RATE_LIMIT = "60 per minute"
CACHE_CONTROL = "private, max-age=300"


def feed(feed_token):
    volunteer = builder.volunteer_by_feed_token(feed_token)
    if volunteer is None:
        abort(404)
    response = Response(builder.volunteer_feed(volunteer, now=utcnow()),
                        content_type=builder.MEDIA_TYPE, headers={
                            "Content-Disposition": 'inline; filename="shifts.ics"',
                            "Cache-Control": CACHE_CONTROL,
                            "X-Robots-Tag": "noindex",
                        })
    response.add_etag()
    return response.make_conditional(request)
