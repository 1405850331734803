from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Send account emails in the user's language and link to the public URL."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if commit:
            user.save()
        return user

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth leaves the user out of a notification's context: pass it, so
        # that the notice (password or address changed) is in the user's language.
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context, email)
