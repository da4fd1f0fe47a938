"""The coordinators' pages of the resident registry: search, a person's page, adding and
editing people and their proxy contacts, likely duplicates and merging them.

Every route requires the coordinator or admin role (installed in blueprint.py). The
search is sent by POST and kept in the login session, so that phone numbers and names
never appear in URLs or server logs; the result pages are plain GETs (page numbers only).
Opening a person's page and each page of search results that lists residents go into
the access log (desk.core.accesslog: the residents' ids, not what was searched for).
"""

import json
import unicodedata
from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from desk.core import accesslog
from desk.core.db import writes
from desk.core.i18n import city_name, format_datetime_long
from desk.core.phone import display_phone
from desk.core.timeutil import local_today, utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_id, parse_page
from desk.extensions import db
from desk.people import (
    DISCLOSURE_PRODUCED,
    PEOPLE_SEARCHED,
    PERSON_VIEWED,
    erasure,
    queries,
    registry,
    services,
)
from desk.people import disclosure as disclosures
from desk.people.forms import PersonForm, ProxyForm, SearchForm
from desk.people.labels import (
    AGE_BAND_LABELS,
    CONSENT_METHOD_LABELS,
    LANGUAGE_LABELS,
    PHONE_KIND_LABELS,
    PROXY_RELATION_LABELS,
    RECEIVED_VIA_LABELS,
    REMINDER_CHANNEL_LABELS,
    no_reminder_reason,
)
from desk.people.models import ConsentMethod, Person, ProxyContact

SEARCH_KEY = "people_search"
STAFF_CHANNEL = "phone_desk"

FIELD_LABELS = {
    "phone": _l("Phone number"),
    "email": _l("E-mail"),
    "district_id": _l("District"),
    "age_band": _l("Age"),
}


def _label(mapping, value):
    if value is None:
        return ""
    return mapping.get(value, value)


def _field_list(names):
    """'E-mail, District': the labels of a merge's filled fields, in the reader's language."""
    return _(", ").join(str(FIELD_LABELS[name]) for name in names)


def _table_labels():
    """What the rows a merge moves are, by table name (from the registry)."""
    return {reference.table: reference.label for reference in registry.moving_references()}


def _render_sections(sections):
    """The HTML of sections other packages contribute: [(template, context)]."""
    return [Markup(render_template(template, **context)) for template, context in sections]


def template_helpers():
    """Labels the people pages look up (installed as the blueprint's context processor)."""
    return {
        "label": _label,
        "field_list": _field_list,
        "no_reminder_reason": no_reminder_reason,
        "labels": {
            "age_band": AGE_BAND_LABELS, "consent_method": CONSENT_METHOD_LABELS,
            "language": LANGUAGE_LABELS, "phone_kind": PHONE_KIND_LABELS,
            "relation": PROXY_RELATION_LABELS, "reminder_channel": REMINDER_CHANNEL_LABELS,
            "received_via": RECEIVED_VIA_LABELS, "table": _table_labels(),
        },
    }


def _merged_elsewhere(person):
    """A redirect to the kept record when `person` was merged into another one."""
    if not person.is_merged:
        return None
    flash(_("This record was merged into another one; this is the record that was kept."),
          "info")
    return redirect(url_for("people.detail", person_id=person.merged_into_id))


# -- search ---------------------------------------------------------------------------------

@writes  # the access log
def search():
    form = SearchForm()
    if request.method == "POST":
        if form.validate_on_submit():
            text = "" if request.form.get("clear") else (form.q.data or "").strip()
            session[SEARCH_KEY] = {"q": text, "merged": bool(form.include_merged.data)}
            return redirect(url_for("people.search"))
        return render_template("people/search.html", form=form, result=None, searched="")
    stored = session.get(SEARCH_KEY) or {}
    text = stored.get("q", "") if isinstance(stored.get("q"), str) else ""
    form.q.data = text
    form.include_merged.data = bool(stored.get("merged"))
    result = queries.search_people(text, page=parse_page(request.args.get("page")),
                                   include_merged=form.include_merged.data)
    if result.people:
        accesslog.record(current_user, PEOPLE_SEARCHED, "person",
                         [person.id for person in result.people], now=utcnow())
    return render_template("people/search.html", form=form, result=result, searched=text)


# -- one person -------------------------------------------------------------------------------

@writes  # the access log
def detail(person_id):
    person = get_or_404(Person, person_id)
    accesslog.record(current_user, PERSON_VIEWED, "person", [person.id], now=utcnow())
    sections = _render_sections((section.template, section.context(person))
                                for section in registry.PERSON_PAGE_SECTIONS)
    return render_template("people/detail.html", person=person, sections=sections,
                           duplicates=queries.duplicates_of(person),
                           requests=erasure.requests_of(person))


def new():
    form = PersonForm()
    if form.validate_on_submit():
        person = attempt(form, lambda: services.create_person(
            form.person_data(), channel=STAFF_CHANNEL, consent_method=form.consent_method.data,
            actor=current_user, now=utcnow()))
        if person is not FAILED:
            flash(_("%(name)s has been added.", name=person.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/person_form.html", form=form, person=None)


def _fill_person_form(form, person):
    form.phone.data = display_phone(person.phone)
    form.district_id.data = str(person.district_id or "")
    form.age_band.data = person.age_band.value if person.age_band else ""
    form.reminder_channel.data = person.reminder_channel.value
    form.language.data = person.language
    form.consent.data = person.has_consent
    if person.consent_method in (ConsentMethod.PHONE_STAFF, ConsentMethod.PAPER):
        form.consent_method.data = person.consent_method.value


def edit(person_id):
    person = get_or_404(Person, person_id)
    elsewhere = _merged_elsewhere(person)
    if elsewhere:
        return elsewhere
    form = PersonForm(obj=person)
    if request.method == "GET":
        _fill_person_form(form, person)
    if form.validate_on_submit():
        result = attempt(form, lambda: services.update_person(
            person, form.person_data(), consent_method=form.consent_method.data,
            actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The details have been saved."), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/person_form.html", form=form, person=person)


def reviewed(person_id):
    person = get_or_404(Person, person_id)
    result = attempt(None, lambda: services.update_person(
        services.require_person(person), {"needs_review": False},
        consent_method=ConsentMethod.PHONE_STAFF, actor=current_user, now=utcnow()))
    if result is not FAILED:
        flash(_("The record is marked as reviewed."), "success")
    return redirect(url_for("people.detail", person_id=person.id))


# -- disclosure on request (開示請求) ----------------------------------------------------------

def _disclosure(person_id, what):
    """The disclosure of the person, its production audited as `what`."""
    person = get_or_404(Person, person_id)
    now = utcnow()
    disclosure = disclosures.disclosure_for(
        person, actor=current_user, now=now,
        municipality=city_name())
    services.record_disclosure(person, what=what, actor=current_user, now=now)
    accesslog.record(current_user, DISCLOSURE_PRODUCED, "person", [person.id], now=now)
    return disclosure


def _download(body, mimetype, disclosure, extension):
    filename = (f"disclosure-{disclosure.person.id}-"
                f"{local_today(disclosure.produced_dt).strftime('%Y%m%d')}.{extension}")
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@writes
def disclosure(person_id):
    """The printable answer to a request for disclosure: everything desk holds about
    the person, on A4."""
    found = _disclosure(person_id, "html")
    sections = _render_sections((section.template, section.context(found))
                                for section in registry.DISCLOSURE_SECTIONS)
    return render_template("people/disclosure.html", disclosure=found, sections=sections,
                           consents=disclosures.consent_history(found),
                           audit_changes=disclosures.audit_changes,
                           cell_text=disclosures.cell_text, local_time=datetime.fromisoformat)


@writes
def disclosure_json(person_id):
    found = _disclosure(person_id, "json")
    body = json.dumps(disclosures.as_json(found), ensure_ascii=False, indent=2) + "\n"
    return _download(body, "application/json", found, "json")


@writes
def disclosure_csv(person_id):
    found = _disclosure(person_id, "csv")
    return _download(disclosures.csv_zip(found), "application/zip", found, "zip")


# -- proxy contacts ---------------------------------------------------------------------------

def _proxy_of(person, proxy_id):
    proxy = get_or_404(ProxyContact, proxy_id)
    if proxy.person_id != person.id:
        abort(404)
    return proxy


def proxy_new(person_id):
    person = get_or_404(Person, person_id)
    elsewhere = _merged_elsewhere(person)
    if elsewhere:
        return elsewhere
    form = ProxyForm()
    if form.validate_on_submit():
        proxy = attempt(form, lambda: services.add_proxy(
            person, form.proxy_data(), consent_method=form.consent_method.data,
            actor=current_user, now=utcnow()))
        if proxy is not FAILED:
            flash(_("The contact %(name)s has been saved.", name=proxy.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/proxy_form.html", form=form, person=person, proxy=None)


def proxy_edit(person_id, proxy_id):
    person = get_or_404(Person, person_id)
    elsewhere = _merged_elsewhere(person)
    if elsewhere:
        return elsewhere
    proxy = _proxy_of(person, proxy_id)
    form = ProxyForm(obj=proxy)
    if request.method == "GET":
        form.phone.data = display_phone(proxy.phone)
        form.relation.data = proxy.relation.value
        if proxy.consent_method in (ConsentMethod.PHONE_STAFF, ConsentMethod.PAPER):
            form.consent_method.data = proxy.consent_method.value
    if form.validate_on_submit():
        result = attempt(form, lambda: services.update_proxy(
            proxy, form.proxy_data(), consent_method=form.consent_method.data,
            actor=current_user, now=utcnow()))
        if result is not FAILED:
            flash(_("The contact %(name)s has been saved.", name=proxy.name), "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/proxy_form.html", form=form, person=person, proxy=proxy)


def proxy_remove(person_id, proxy_id):
    person = get_or_404(Person, person_id)
    elsewhere = _merged_elsewhere(person)
    if elsewhere:
        return elsewhere
    proxy = _proxy_of(person, proxy_id)
    name = proxy.name
    if attempt(None, lambda: services.remove_proxy(proxy, actor=current_user,
                                                   now=utcnow())) is not FAILED:
        flash(_("The contact %(name)s has been removed.", name=name), "success")
    return redirect(url_for("people.detail", person_id=person.id))


# -- duplicates and merging ----------------------------------------------------------------

def duplicates():
    lists = queries.duplicate_lists()
    return render_template("people/duplicates.html", groups=lists.groups, total=lists.total,
                           checked=lists.checked, checked_total=lists.checked_total)


def _posted_group():
    """The records of a group of likely duplicates, from the form's `person` ids, or
    None (with a message) when one of them is not a record."""
    ids = [parse_id(raw) for raw in request.form.getlist("person")]
    people = [db.session.get(Person, person_id) for person_id in ids if person_id]
    if not ids or len(people) != len(ids) or None in people:
        flash(_("These records could not be found. Open the list again."), "error")
        return None
    return people


def different():
    """A coordinator compared a group of likely duplicates: different residents."""
    people = _posted_group()
    if people is not None and attempt(None, lambda: services.mark_different_people(
            people, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("Marked as different people: %(names)s. They are no longer listed as "
                "likely duplicates.", names=_name_list(people)), "success")
    return redirect(url_for("people.duplicates"))


def different_undo():
    """Take back "different people": the group is listed as likely duplicates again."""
    people = _posted_group()
    if people is not None and attempt(None, lambda: services.unmark_different_people(
            people, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("Listed as likely duplicates again: %(names)s.", names=_name_list(people)),
              "success")
    return redirect(url_for("people.duplicates"))


def _name_list(people):
    return _(", ").join(person.name for person in people)


def _flash_merge(result):
    moves = _(", ").join(_("%(what)s: %(count)d", what=label,
                           count=len(result.moved.get(table, ())))
                         for table, label in _table_labels().items())
    flash(_("The records have been merged. Moved to this record: %(moves)s.", moves=moves),
          "success")
    for notice in result.notices:
        flash(notice, "info")
    if result.consent_copied:
        keep = result.keep
        flash(_("The consent to reminders recorded on the other record (%(date)s, %(method)s) "
                "now applies to this record.", date=format_datetime_long(keep.consent_dt),
                method=_label(CONSENT_METHOD_LABELS, keep.consent_method)), "info")
    if result.filled:
        flash(_("Taken from the other record: %(fields)s.", fields=_field_list(result.filled)),
              "info")


def _record_to_keep(drop):
    """The record chosen to keep (?keep= from the choice, or ?other= typed), or None with
    a message saying why it cannot be used."""
    raw = request.args.get("other", "").strip() or request.args.get("keep", "")
    if not raw:
        if request.method == "POST":
            flash(_("Choose the record to keep."), "error")
        return None
    keep_id = parse_id(unicodedata.normalize("NFKC", raw))
    keep = db.session.get(Person, keep_id) if keep_id else None
    if keep is None:
        flash(_("There is no record with this number."), "error")
    elif keep.is_merged:
        flash(_("The record you chose to keep was itself merged into another one. Choose "
                "a current record."), "error")
    elif keep.id == drop.id:
        flash(_("A record cannot be merged into itself."), "error")
    else:
        return keep
    return None


def merge(person_id):
    """Merge this record (the duplicate) into another one: choose the record to keep,
    see what will happen, confirm."""
    drop = get_or_404(Person, person_id)
    elsewhere = _merged_elsewhere(drop)
    if elsewhere:
        return elsewhere
    keep = _record_to_keep(drop)
    if keep is None:
        return render_template("people/merge_choose.html", person=drop,
                               candidates=queries.duplicates_of(drop))
    if request.method == "POST":
        result = attempt(None, lambda: services.merge_people(keep, drop, actor=current_user,
                                                             now=utcnow()))
        if result is FAILED:
            return redirect(url_for("people.merge", person_id=drop.id))
        _flash_merge(result)
        return redirect(url_for("people.detail", person_id=keep.id))
    plan = queries.merge_plan(keep, drop)
    return render_template("people/merge.html", plan=plan,
                           sections=_render_sections(plan.sections))
