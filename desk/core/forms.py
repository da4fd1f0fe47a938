"""Form pieces shared by the packages."""

import secrets

import wtforms
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered as a fieldset by templates/_macros.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def id_choices(items, label, *, blank=None):
    """[(str(id), label(item))] for a SelectField, with an optional blank first entry."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(item.id), label(item)) for item in items]


def labelled_choices(pairs):
    """SelectChoices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField, refusing numbers of more than 15 digits: NumberRange
    calls math.isnan() on the value, which raises OverflowError past about 1e308."""

    MAX_DIGITS = 15

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) \
                and len(valuelist[0].strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            # WTForms' own message, translated by WTForms' catalogue (not extracted)
            message = "Not a valid integer value."
            raise ValueError(self.gettext(message))
        super().process_formdata(valuelist)


def new_submission_id():
    """A random id for one rendering of a form: a repeated POST of it (a double tap, a
    retry on a slow network) is recognised and does nothing twice."""
    return secrets.token_urlsafe(16)
