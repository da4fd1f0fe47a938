"""The automated phone line: residents book, hear and cancel their bookings, hear the
consultation desks' dates or are put through to staff, by calling (Twilio Programmable
Voice). Registers its call records (with each call's steps) and new callers' recordings
of their name with the resident registry (in a person's disclosure, moved when two
records are merged, blanked when the person is anonymised) and with the retention
periods."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core import accesslog, retention
from desk.people import registry
from desk.people import signals as people_signals
from desk.phone import personal_data as call_data
from desk.phone import recordings
from desk.phone.models import NameRecording, PhoneCall, PhoneCallStep

RECORDING_PLAYED = accesslog.register_action(
    "phone.name_recording_played", _l("Played a new caller's recording of their name"))
registry.register_reference(PhoneCall, "person_id", label=_l("Calls to the phone line"))
registry.register_dependent(PhoneCall, "booking_id",
                            label=_l("Calls to the phone line that made a booking"))
registry.register_dependent(PhoneCallStep, "call_id",
                            label=_l("Answers given in calls to the phone line"))
retention.register(
    "phone_calls", label=_l("Caller numbers and keyed answers of calls to the phone line"),
    unit=retention.DAYS, default=90, **call_data.CALLS,
    what_happens=_l("Blanked; the call's steps and outcome stay"), order=22)
registry.register_reference(NameRecording, "person_id",
                            label=_l("New callers' recordings of their name"))
registry.register_dependent(NameRecording, "call_id",
                            label=_l("Recordings of a name made during a call"))
retention.register(
    "phone_name_recordings", label=_l("New callers' recordings of their name, and what "
                                      "speech recognition heard"),
    unit=retention.DAYS, default=30, **recordings.RETENTION,
    what_happens=_l("Deleted here and at Twilio, confirmed or not"), order=21)


@registry.activity
def _called_since(cutoff):
    return select(PhoneCall.person_id.label("person_id")).where(
        PhoneCall.person_id.is_not(None), PhoneCall.started_dt >= cutoff)


@people_signals.erasing.connect
def _erase_calls(person, *, actor, now):
    return call_data.erase_person(person, now=now)


@people_signals.erasing.connect
def _erase_recordings(person, *, actor, now):
    return recordings.erase_person(person, now=now)


@registry.disclosure_section("phone/_disclosure_calls.html")
def _disclosed_calls(disclosure):
    from desk.phone import labels, path, queries

    calls = queries.calls_by_start(disclosure.ids("phone_calls"))
    return {"calls": calls, "call_outcome_labels": labels.OUTCOME_LABELS,
            "call_steps": path.steps_of([call.id for call in calls]),
            "call_step_label": labels.step_label, "call_answer_label": labels.answer_label,
            "name_recordings": queries.recordings_by_id(disclosure.ids("phone_name_recordings"))}


@people_signals.merged.connect
def _move_calls(keep, *, drop, actor, now):
    return registry.repoint(PhoneCall, "person_id", keep=keep, drop=drop)


@people_signals.merged.connect
def _move_recordings(keep, *, drop, actor, now):
    return registry.repoint(NameRecording, "person_id", keep=keep, drop=drop)
