"""The notifications' URL tables: Twilio's webhooks and the coordinators' pages.

`twilio_bp` takes no login and no CSRF token: every request must carry a valid
X-Twilio-Signature instead (checked against DESK_PUBLIC_URL), or it gets 403.
`bp` holds the coordinators' pages (broadcast and its delivery progress; the outbox and
the failed and unknown messages that wait for a decision).
"""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.extensions import csrf
from desk.notify import broadcast_views, views, webhook_views, webhooks

twilio_bp = Blueprint("twilio", __name__, url_prefix="/twilio")
csrf.exempt(twilio_bp)
twilio_bp.before_request(webhooks.require_signature)
twilio_bp.add_url_rule("/status/<int:message_id>", "status", webhook_views.status,
                       methods=["POST"])
twilio_bp.add_url_rule("/sms", "sms", webhook_views.sms, methods=["POST"])
twilio_bp.add_url_rule("/voice/<int:message_id>/gather", "voice_gather",
                       webhook_views.voice_gather, methods=["POST"])
twilio_bp.add_url_rule("/voice/<int:message_id>/cancel", "voice_cancel",
                       webhook_views.voice_cancel, methods=["POST"])

bp = Blueprint("notify", __name__, url_prefix="/staff/notify")
bp.before_request(require_staff)
bp.add_url_rule("/broadcast", "broadcast", broadcast_views.broadcast_page,
                methods=["GET", "POST"])
bp.add_url_rule("/broadcast/progress", "broadcast_progress", broadcast_views.progress)
bp.context_processor(views.template_helpers)
bp.add_url_rule("/messages", "outbox", views.outbox)
bp.add_url_rule("/messages/attention", "attention", views.attention)
bp.add_url_rule("/messages/<int:message_id>/decide", "decide", views.decide, methods=["POST"])
bp.add_app_template_global(webhooks.webhooks_enabled, "notify_webhooks_on")
