"""The organiser's form to build a jury dossier."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DossierRequestForm(forms.Form):
    include_scores = forms.BooleanField(
        label=_("Include the scores and comments"),
        help_text=_(
            "Each application's PDF then ends with every submitted score sheet, "
            "criterion by criterion."
        ),
        required=False,
    )
