"""The forms that ask for the news about new classes: the public page (with the
person's details), the short one at the end of a web or kiosk booking (the person is
known), and the staff's on the person's page (with how the person agreed).

The rules (which channel reaches whom, what consent needs) live in desk.events.news;
these forms only parse and render."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField

from desk.core.districts import all_districts
from desk.core.forms import MultiCheckboxField, labelled_choices
from desk.events.labels import TOPIC_LABELS
from desk.events.news import active_subscription, automatic_channel
from desk.events.news_queries import CHANNEL_LABELS
from desk.people.forms import STAFF_CONSENT_METHODS, PersonFieldsForm
from desk.people.labels import CONSENT_METHOD_LABELS
from desk.people.models import ConsentMethod


def _topic_choices():
    return labelled_choices((topic.value, label) for topic, label in TOPIC_LABELS.items())


def _channel_choices():
    return labelled_choices((channel.value, label) for channel, label in CHANNEL_LABELS.items())


class NewsFieldsForm(FlaskForm):
    """What the news is about, where, how it comes, and the consent."""

    topics = MultiCheckboxField(_l("Topics"), choices=_topic_choices())
    district_ids = MultiCheckboxField(_l("Districts (none ticked: your own district)"),
                                      choices=[])
    channel = RadioField(_l("How we tell you"), choices=_channel_choices(), default="sms")
    news_consent = BooleanField(_l("Yes, please tell me about new classes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_ids.choices = labelled_choices(
            (str(district.id), district.display_name) for district in all_districts())

    def news_data(self):
        return {"topics": self.topics.data or [], "district_ids": self.district_ids.data or [],
                "channel": self.channel.data, "consent": self.news_consent.data}


class PublicNewsForm(PersonFieldsForm, NewsFieldsForm):
    """The public page: the person (found by phone and reading, or new) and the news;
    not the booking reminders' own fields."""

    reminder_channel = None
    consent = None
    age_band = None

    def subscribe_data(self, *, language):
        person = {name: self[name].data for name in
                  ("name", "name_kana", "phone", "email", "district_id")}
        return {**person, "language": language, **self.news_data()}


class BookingNewsForm(NewsFieldsForm):
    """At the end of a booking: the person is the booking's."""


class StaffNewsForm(NewsFieldsForm):
    """On the person's page: how the person agreed (on the phone, on paper)."""

    consent_method = RadioField(
        _l("How the person agreed"),
        choices=labelled_choices((method.value, CONSENT_METHOD_LABELS[method])
                                 for method in STAFF_CONSENT_METHODS),
        default=ConsentMethod.PHONE_STAFF.value)


def initial(person):
    """The staff form filled with what the person asked for before, if anything."""
    subscription = active_subscription(person)
    if subscription is None:
        channel = automatic_channel(person)
        return {"channel": str(channel)} if channel else {}
    return {"topics": [str(topic) for topic in subscription.topics],
            "district_ids": [str(value) for value in subscription.district_ids],
            "channel": str(subscription.channel)}
