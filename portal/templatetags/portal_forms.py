"""Form labels written the same way everywhere.

A label before its control ends with the suffix Django's ``label_tag`` adds
(``form.label_suffix``): "\u00a0:" in French (a non-breaking space before the
colon), ":" in English. Labels written by hand in a template take the same
suffix from ``{% label_suffix %}``. A label after its control (a checkbox)
takes none: ``{{ field|label_after }}``.
"""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def label_suffix(text=""):
    """The suffix of a label before its control, in the active language;
    none after a ``text`` that ends with its own punctuation (a question's
    "?"), as Django's ``label_tag`` does."""
    if str(text).rstrip()[-1:] in (":", "?", ".", "!") and str(text).strip():
        return ""
    # Translators: the suffix of a form label, as Django's label_tag adds it.
    return gettext(":")


@register.filter
def label_after(field):
    """``field``'s ``<label>`` without a suffix, for a label after its control."""
    return field.label_tag(label_suffix="")
