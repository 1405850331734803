import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from portal.clientip import client_ip
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    """Send account emails in the user's language, through the outbox."""

    def get_client_ip(self, request):
        """The address allauth's login and sign-up limits count: the trusted
        proxies' view (``portal.clientip``), as every other limiter."""
        return client_ip(request) or "unknown"

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message as allauth does, in the user's language,
        and queue it in the outbox (kind ``account``) instead of sending it:
        it is retried if the mail server fails and organisers see its state.
        Each call is a new email (a fresh key): asking twice sends twice."""
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        request = allauth_context.request
        with translation.override(language):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    **context,
                },
            )
        queue_email(
            key=f"account:{uuid.uuid4()}",
            kind=EmailKind.ACCOUNT,
            to=email,
            subject=message.subject,
            body=message.body,
            language=language or "",
            about=template_prefix.rpartition("/")[2],
        )

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
