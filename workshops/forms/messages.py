from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.messages import BODY_MAX, SUBJECT_MAX, Recipients


class ParticipantMessageForm(forms.Form):
    recipients = forms.ChoiceField(
        label=_("Recipients"),
        choices=Recipients.CHOICES,
        initial=Recipients.CONFIRMED,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Each participant receives it once."),
    )
