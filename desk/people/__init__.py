"""Residents: names with their kana reading, phone numbers, consent and proxy contacts;
anonymising them when their retention period ends or they ask (desk.people.erasure).

Reading residents' records is logged (desk.core.accesslog): a person's page opened, the
residents a search listed (their ids; never what was typed), a disclosure produced."""

from flask_babel import lazy_gettext as _l

from desk.core import accesslog, audit, retention
from desk.people import erasure

audit.personal_fields("people", "name", "name_kana", "phone", "email", "review_note")
audit.personal_fields("proxy_contacts", "name", "relation_note", "phone", "email")
retention.register(
    "residents", label=_l("Residents with no booking, consultation or message"),
    unit=retention.FISCAL_YEARS, default=3, count=erasure.count_inactive,
    purge=erasure.anonymise_inactive,
    what_happens=_l("Anonymised: name, reading, phone, e-mail and proxy contacts removed; "
                    "district and age band stay for the figures"), order=90)

PERSON_VIEWED = accesslog.register_action("person.viewed", _l("Opened a resident's page"))
PEOPLE_SEARCHED = accesslog.register_action(
    "people.searched", _l("Searched residents (the residents listed)"))
DISCLOSURE_PRODUCED = accesslog.register_action(
    "disclosure.produced", _l("Produced a disclosure (page, JSON or CSV)"))
