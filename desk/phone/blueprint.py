"""The phone line's URL table: Twilio's voice webhooks for the city's number.

Like the notifications' webhooks (desk.notify.blueprint), they take no login and no CSRF
token: every request must carry a valid X-Twilio-Signature (the same check,
desk.notify.webhooks.require_signature, against DESK_PUBLIC_URL), or it gets 403.
At Twilio, the number's "A call comes in" is /phone/voice/incoming and its "Call status
changes" /phone/voice/status (docs/phone-line.md). `staff_bp` holds the coordinators'
call log (and each call's path), the review of new callers' names and the phone line
simulator."""

from flask import Blueprint

from desk.auth.access import require_staff
from desk.extensions import csrf
from desk.notify import webhooks
from desk.phone import log_views, name_views, simulator_views, views

bp = Blueprint("phone", __name__, url_prefix="/phone/voice")
csrf.exempt(bp)
bp.before_request(webhooks.require_signature)
bp.add_url_rule("/incoming", "incoming", views.incoming, methods=["POST"])
# the key pressed (or none) in answer to the question of turn <turn>
bp.add_url_rule("/answer/<int:turn>", "answer", views.answer, methods=["POST"])
bp.add_url_rule("/status", "status", views.status, methods=["POST"])
# a new caller saying their name: what speech recognition heard, and the recording made
bp.add_url_rule("/transcription", "transcription", views.transcription, methods=["POST"])
bp.add_url_rule("/recording", "recording", views.recording, methods=["POST"])

staff_bp = Blueprint("phone_staff", __name__, url_prefix="/staff/phone")
staff_bp.before_request(require_staff)
staff_bp.add_url_rule("/calls", "calls", log_views.calls)
staff_bp.add_url_rule("/calls/<int:call_id>", "call", log_views.call)
staff_bp.add_url_rule("/names", "names", name_views.queue)
staff_bp.add_url_rule("/names/recordings/<int:recording_id>.mp3", "name_audio",
                      name_views.audio)
staff_bp.add_url_rule("/names/<int:person_id>/confirm", "confirm_name", name_views.confirm,
                      methods=["POST"])
staff_bp.add_url_rule("/simulator", "simulator", simulator_views.page)
staff_bp.add_url_rule("/simulator/start", "simulator_start", simulator_views.start,
                      methods=["POST"])
staff_bp.add_url_rule("/simulator/keys", "simulator_keys", simulator_views.press,
                      methods=["POST"])
staff_bp.add_url_rule("/simulator/hang-up", "simulator_hang_up", simulator_views.hang_up,
                      methods=["POST"])
