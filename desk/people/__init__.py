"""Residents: names with their kana reading, phone numbers, consent and proxy contacts;
anonymising them when their retention period ends or they ask (desk.people.erasure)."""

from flask_babel import lazy_gettext as _l

from desk.core import audit, retention
from desk.people import erasure

audit.personal_fields("people", "name", "name_kana", "phone", "email", "review_note")
audit.personal_fields("proxy_contacts", "name", "relation_note", "phone", "email")
retention.register(
    "residents", label=_l("Residents with no booking, consultation or message"),
    unit=retention.FISCAL_YEARS, default=3, count=erasure.count_inactive,
    purge=erasure.anonymise_inactive,
    what_happens=_l("Anonymised: name, reading, phone, e-mail and proxy contacts removed; "
                    "district and age band stay for the figures"), order=90)
