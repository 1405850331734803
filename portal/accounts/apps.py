from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(
            _end_draft_tokens_at_logout, dispatch_uid="accounts.end_draft_tokens"
        )


def _end_draft_tokens_at_logout(sender, request, user, **kwargs):
    # Django's signal, turned into the service call.
    if user is not None and user.is_authenticated:
        from .services import end_draft_tokens

        end_draft_tokens(user, actor=user)
