"""Human labels for the registry's enumerations, translated lazily."""

from flask_babel import lazy_gettext as _l

from desk.core.phone import PhoneKind
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
    PhoneKind.OTHER: _l("Other number"),
}

LANGUAGE_LABELS = {"ja": _l("Japanese"), "en": _l("English")}

RECEIVED_VIA_LABELS = {
    ReceivedVia.COUNTER: _l("At the counter"),
    ReceivedVia.PHONE: _l("By phone"),
    ReceivedVia.MAIL: _l("By post or e-mail"),
    ReceivedVia.OTHER: _l("Other"),
}
