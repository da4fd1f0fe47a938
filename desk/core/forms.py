"""Form pieces shared by the packages."""

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
