"""The coordinators' forms for the consultation topic list. They parse and render; the
rules (names required and unique, the code's shape, the order's range) live in
desk.consults.topics, which says what is wrong field by field.

Every topic's row on the list page carries its own edit form, so each form gets a
prefix (`topic-<id>`) that keeps its fields' ids unique on the page.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from desk.consults.models import ConsultTopic
from desk.consults.topics import POSITION_MAX
from desk.core.forms import IntegerField, labelled_choices
from desk.events.labels import TOPIC_LABELS


def program_topic_choices():
    return labelled_choices([("", _l("(none)")),
                             *((topic.value, label) for topic, label in TOPIC_LABELS.items())])


class _TopicFields(FlaskForm):
    name = StringField(_l("Name in Japanese"), validators=[Length(max=ConsultTopic.NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    name_en = StringField(_l("Name in English"),
                          validators=[Length(max=ConsultTopic.NAME_MAX)],
                          render_kw={"autocomplete": "off"})
    program_topic = SelectField(_l("Class topic it leads to"), choices=program_topic_choices(),
                                validate_choice=False)
    position = IntegerField(_l("Order in lists"),
                            validators=[Optional(), NumberRange(min=0, max=POSITION_MAX)],
                            render_kw={"inputmode": "numeric"})


class TopicForm(_TopicFields):
    """A new topic."""

    code = StringField(_l("Code (optional)"),
                       validators=[Length(max=ConsultTopic.CODE_MAX)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})


class TopicEditForm(_TopicFields):
    """Rename, re-order, relate to a class topic, hide or show."""

    is_active = BooleanField(_l("Offered on the visit log form"))

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, prefix=f"topic-{topic.id}", obj=topic, **kwargs)


class TopicVisibilityForm(FlaskForm):
    """The one-button hide or show of a topic."""

    visibility = HiddenField(validators=[AnyOf(("hide", "show"))])
