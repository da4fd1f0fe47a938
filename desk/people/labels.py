"""Human labels for the registry's enumerations, translated lazily."""

from flask_babel import lazy_gettext as _l

from desk.core.phone import CALLABLE_KINDS, ON_REQUEST_KINDS, TEXTABLE_KINDS, PhoneKind
from desk.people.models import AgeBand, ConsentMethod, ProxyRelation, ReceivedVia, ReminderChannel

AGE_BAND_LABELS = {
    AgeBand.UNDER_60: _l("Under 60"),
    AgeBand.SIXTIES: _l("60 to 69"),
    AgeBand.SEVENTIES: _l("70 to 79"),
    AgeBand.EIGHTIES: _l("80 to 89"),
    AgeBand.NINETY_PLUS: _l("90 or over"),
}

REMINDER_CHANNEL_LABELS = {
    ReminderChannel.AUTOMATIC: _l("Automatic (text message to a mobile, a call to a landline)"),
    ReminderChannel.SMS: _l("Text message (SMS)"),
    ReminderChannel.VOICE: _l("Voice call"),
    ReminderChannel.EMAIL: _l("E-mail"),
    ReminderChannel.NONE: _l("No reminders"),
}

CONSENT_METHOD_LABELS = {
    ConsentMethod.WEB: _l("On the web"),
    ConsentMethod.KIOSK: _l("At a kiosk"),
    ConsentMethod.PHONE_STAFF: _l("By phone to staff"),
    ConsentMethod.PAPER: _l("On paper"),
    ConsentMethod.PHONE_LINE: _l("On the automated phone line"),
}

PROXY_RELATION_LABELS = {
    ProxyRelation.FAMILY: _l("Family member"),
    ProxyRelation.CARE_MANAGER: _l("Care manager"),
    ProxyRelation.OTHER: _l("Other"),
}

PHONE_KIND_LABELS = {
    PhoneKind.MOBILE: _l("Mobile (text messages)"),
    PhoneKind.LANDLINE: _l("Landline (voice calls)"),
    PhoneKind.IP_PHONE: _l("IP phone (voice calls)"),
    PhoneKind.TOLL_FREE: _l("Toll-free number (0120, 0800)"),
    PhoneKind.NAVI_DIAL: _l("Navigation dial (0570)"),
    PhoneKind.AMBIGUOUS: _l("Number abroad (mobile or landline not known)"),
    PhoneKind.OTHER: _l("Other number"),
}

# why a phone number gets no reminder by itself (desk.notify.planning decides by kind)
NO_REMINDER_REASONS = {
    PhoneKind.TOLL_FREE: _l("No automatic reminders to toll-free numbers."),
    PhoneKind.NAVI_DIAL: _l("No automatic reminders to navigation dial (0570) numbers."),
    PhoneKind.AMBIGUOUS: _l("No automatic reminders: this number abroad may be a mobile or a "
                            "landline. Ask the person whether they want a text message or a "
                            "call, and choose it under \"How to send reminders\"."),
    PhoneKind.OTHER: _l("No automatic reminders to this kind of number."),
}


def no_reminder_reason(phone, kind, choice=ReminderChannel.AUTOMATIC):
    """Why no text message or call goes to this phone number, or None when one may."""
    if not phone or kind in TEXTABLE_KINDS | CALLABLE_KINDS:
        return None
    if kind in ON_REQUEST_KINDS and choice in (ReminderChannel.SMS, ReminderChannel.VOICE):
        return None
    return NO_REMINDER_REASONS.get(kind)

LANGUAGE_LABELS = {"ja": _l("Japanese"), "en": _l("English")}

RECEIVED_VIA_LABELS = {
    ReceivedVia.COUNTER: _l("At the counter"),
    ReceivedVia.PHONE: _l("By phone"),
    ReceivedVia.MAIL: _l("By post or e-mail"),
    ReceivedVia.OTHER: _l("Other"),
}
