"""The notifications' URL tables: Twilio's webhooks and the coordinators' pages.

`twilio_bp` takes no login and no CSRF token: every request must carry a valid
X-Twilio-Signature instead (checked against DESK_PUBLIC_URL), or it gets 403.
`bp` holds the coordinators' pages: the outbox and the failed and unknown messages that
wait for a decision, and the buttons on a person's page that stop or allow SMS, calls or
e-mail to them.
"""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.extensions import csrf
from desk.notify import views, webhook_views, webhooks

twilio_bp = Blueprint("twilio", __name__, url_prefix="/twilio")
csrf.exempt(twilio_bp)
twilio_bp.before_request(webhooks.require_signature)
twilio_bp.add_url_rule("/status/<int:message_id>", "status", webhook_views.status,
                       methods=["POST"])
twilio_bp.add_url_rule("/sms", "sms", webhook_views.sms, methods=["POST"])
# a key pressed in a call: <step> is "gather" for the call's own menu, or a step the
# feature's menu asked for (a booking's "press 2 again to cancel": "cancel")
twilio_bp.add_url_rule("/voice/<int:message_id>/<step>", "voice_key", webhook_views.voice_key,
                       methods=["POST"])

bp = Blueprint("notify", __name__, url_prefix="/staff/notify")
bp.before_request(require_staff)
bp.context_processor(views.template_helpers)
bp.add_url_rule("/messages", "outbox", views.outbox)
bp.add_url_rule("/messages/attention", "attention", views.attention)
bp.add_url_rule("/messages/<int:message_id>/decide", "decide", views.decide, methods=["POST"])
# a person's channels, stopped or allowed again from their page (the section is notify's:
# desk.notify.__init__)
bp.add_url_rule("/people/<int:person_id>/stop", "stop_channel", views.stop_channel,
                methods=["POST"])
bp.add_url_rule("/people/<int:person_id>/allow", "allow_channel", views.allow_channel,
                methods=["POST"])
bp.add_app_template_global(webhooks.webhooks_enabled, "notify_webhooks_on")
