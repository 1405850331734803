"""Account writes: roles, profile, personal-data export and erasure (RGPD)."""

from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.audit.services import record_event

from .models import OrganiserRole, PartnerRole, Session, User

PORTAL_APPS = (
    "portal.accounts",
    "portal.audit",
    "portal.outbox",
    "datasets",
    "datasets.access",
    "applications",
    "applications.jury",
    "workshops",
)


def _personal_data_modules():
    """Yield each portal app's ``personal_data`` module, where it has one."""
    for config in apps.get_app_configs():
        if config.name not in PORTAL_APPS:
            continue
        try:
            yield import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.personal_data":
                raise


def grant_organiser_role(user, *, organisation, actor):
    """Make ``user`` an organiser of the programme; idempotent. Audited."""
    with transaction.atomic():
        role, created = OrganiserRole.objects.get_or_create(
            user=user,
            defaults={"organisation": organisation, "granted_by": actor},
        )
        if created:
            record_event("organiser.granted", actor=actor, target=user)
    return role


def grant_partner_role(user, *, organisation, actor):
    """Give ``user`` a partner's read-only view of the dashboard and its
    annual report; idempotent (an existing role keeps its organisation).
    Writes the audit event ``partner.granted``."""
    with transaction.atomic():
        role, created = PartnerRole.objects.get_or_create(
            user=user,
            defaults={"organisation": organisation, "granted_by": actor},
        )
        if created:
            record_event(
                "partner.granted",
                actor=actor,
                target=user,
                after={"organisation": organisation},
            )
    return role


def revoke_partner_role(user, *, actor):
    """Withdraw ``user``'s partner view; returns whether there was one.
    Writes the audit event ``partner.revoked``."""
    with transaction.atomic():
        role = PartnerRole.objects.select_for_update().filter(user=user).first()
        if role is None:
            return False
        organisation = role.organisation
        role.delete()
        record_event(
            "partner.revoked",
            actor=actor,
            target=user,
            before={"organisation": organisation},
        )
    return True


def update_profile(user, *, full_name, language, actor):
    """Change the user's name and preferred language. Audited."""
    with transaction.atomic():
        before = {"full_name": user.full_name, "language": user.language}
        user.full_name = full_name
        user.language = language
        user.save(update_fields=["full_name", "language"])
        record_event(
            "account.updated",
            actor=actor,
            target=user,
            before=before,
            after={"full_name": full_name, "language": language},
        )
    return user


def end_draft_tokens(user, *, actor):
    """End every autosave token issued to ``user`` so far (called at logout:
    a token left in an open tab must not outlive the session). Audited."""
    with transaction.atomic():
        user.draft_tokens_valid_after = timezone.now()
        user.save(update_fields=["draft_tokens_valid_after"])
        record_event("account.logged_out", actor=actor, target=user)
    return user


def export_personal_data(user):
    """Return every piece of personal data the portal holds on ``user`` as a dict."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "organiser": hasattr(user, "organiser_role"),
            "partner": hasattr(user, "partner_role"),
        },
    }
    for module in _personal_data_modules():
        data.update(module.export_for(user))
    return data


def erase_user(user, *, actor):
    """Erase ``user``'s personal data and close the account. Audited.

    Each app's ``personal_data.erase_for`` anonymises what it must keep (for
    instance a submitted application, kept for the call's record) and deletes
    the rest. The account row stays, anonymised, so audit trails keep a target.
    """
    with transaction.atomic():
        for module in _personal_data_modules():
            module.erase_for(user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        OrganiserRole.objects.filter(user=user).delete()
        PartnerRole.objects.filter(user=user).delete()
        Session.objects.filter(user=user).delete()  # signed out everywhere
        user.email = f"erased-{user.pk}@invalid.example"
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "full_name", "is_active", "password"])
        record_event("account.erased", actor=actor, target=user)
    return user


# The privacy notice promises it: an account unused for 3 years is erased.
ACCOUNT_RETENTION_DAYS = 3 * 365


def purge_inactive_accounts(*, now=None):
    """Erase the accounts nobody has used for ``ACCOUNT_RETENTION_DAYS``.

    Organisers and jury members keep their accounts while they hold the role.
    Returns the number of accounts erased; safe to run twice.
    """
    now = now or timezone.now()
    limit = now - timedelta(days=ACCOUNT_RETENTION_DAYS)
    stale = (
        User.objects.filter(is_active=True, date_joined__lt=limit)
        .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True))
        .filter(
            organiser_role__isnull=True,
            partner_role__isnull=True,
            jury_memberships__isnull=True,
        )
        .distinct()
    )
    erased = 0
    for user in stale.iterator():
        erase_user(user, actor=None)
        erased += 1
    return erased


__all__ = [
    "User",
    "end_draft_tokens",
    "erase_user",
    "export_personal_data",
    "grant_organiser_role",
    "grant_partner_role",
    "purge_inactive_accounts",
    "revoke_partner_role",
    "update_profile",
]
