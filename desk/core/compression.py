"""Compressed responses (Flask-Compress), for `desk serve` and any other WSGI server.

Pages, style sheets, scripts, JSON, SVG, CSV exports, calendar files and TwiML go out
compressed (brotli, else gzip) when the client says it accepts that encoding
(`Accept-Encoding`) and the body is at least COMPRESS_MIN_SIZE bytes; images that are
compressed already (PNG, the .xlsx exports) are left alone. Static files, which
Flask streams from disk, are compressed as they stream.

A request another site made the browser send (`Sec-Fetch-Site: cross-site`) gets an
uncompressed answer: a page that holds a secret (a CSRF token, a phone number) next to
text the request chose could otherwise leak the secret through the compressed length
(the BREACH attack). People's own navigation, the kiosk and desk's own scripts send
`same-origin` or `none`; Twilio and other servers send no such header.

`DESK_COMPRESS=0` leaves compression to a reverse proxy in front (docs/deployment.md).
"""

from flask import request

from desk.extensions import compress

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/csv",
    "text/calendar",
    "application/xml",
    "text/xml",
    "text/plain",
]
ALGORITHMS = ["br", "gzip"]


def init_compression(app):
    """Register compression as the last step of every response: call this before any
    other after_request hook is registered (Flask runs them in reverse order), so that
    the body and headers it compresses are final."""
    if not app.config["DESK_COMPRESS"]:
        return
    app.config.update(
        COMPRESS_REGISTER=False,  # registered below, behind the cross-site check
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=ALGORITHMS,
        COMPRESS_ALGORITHM_STREAMING=ALGORITHMS,
        COMPRESS_MIN_SIZE=500,
        # brotli 5: about 8 % smaller than gzip 6 on desk's pages, in about the same time
        # (Flask-Compress's 4 is larger than gzip here)
        COMPRESS_BR_LEVEL=5,
    )
    compress.init_app(app)

    @app.after_request
    def compress_response(response):
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return response
        return compress.after_request(response)
