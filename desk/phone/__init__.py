"""The automated phone line: residents book, hear and cancel their bookings, hear the
consultation desks' dates or are put through to staff, by calling (Twilio Programmable
Voice). Registers its call records with the resident registry (a person's calls, with
each call's steps, in their disclosure, moved when two records are merged, blanked when
the person is anonymised) and with the retention periods."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core import retention
from desk.people import registry
from desk.people import signals as people_signals
from desk.phone import personal_data as call_data
from desk.phone.models import PhoneCall, PhoneCallStep

registry.register_reference(PhoneCall, "person_id", label=_l("Calls to the phone line"))
registry.register_dependent(PhoneCall, "booking_id",
                            label=_l("Calls to the phone line that made a booking"))
registry.register_dependent(PhoneCallStep, "call_id",
                            label=_l("Answers given in calls to the phone line"))
retention.register(
    "phone_calls", label=_l("Caller numbers and keyed answers of calls to the phone line"),
    unit=retention.DAYS, default=90, **call_data.CALLS,
    what_happens=_l("Blanked; the call's steps and outcome stay"), order=22)


@registry.activity
def _called_since(cutoff):
    return select(PhoneCall.person_id.label("person_id")).where(
        PhoneCall.person_id.is_not(None), PhoneCall.started_dt >= cutoff)


@people_signals.erasing.connect
def _erase_calls(person, *, actor, now):
    return call_data.erase_person(person, now=now)


@registry.disclosure_section("phone/_disclosure_calls.html")
def _disclosed_calls(disclosure):
    from desk.phone import labels, path, queries

    calls = queries.calls_by_start(disclosure.ids("phone_calls"))
    return {"calls": calls, "call_outcome_labels": labels.OUTCOME_LABELS,
            "call_steps": path.steps_of([call.id for call in calls]),
            "call_step_label": labels.step_label, "call_answer_label": labels.answer_label}


@people_signals.merged.connect
def _move_calls(keep, *, drop, actor, now):
    return registry.repoint(PhoneCall, "person_id", keep=keep, drop=drop)
