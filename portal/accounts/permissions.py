"""Who may do what: predicates ``(user[, obj]) -> bool`` built with django-rules.

Roles are rows: an ``OrganiserRole`` for the programme, a ``PartnerRole`` for a
partner's read-only view of the dashboard, a jury membership for a call
(``user.jury_memberships``, added by the jury models). A project holder is
any verified user who belongs to an application team.
"""

from functools import wraps

import rules
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied


@rules.predicate
def is_authenticated(user):
    return bool(user and user.is_authenticated)


@rules.predicate
def is_organiser(user):
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_is_organiser", None)
    if cached is None:
        from .models import OrganiserRole

        cached = OrganiserRole.objects.filter(user_id=user.pk).exists()
        user._is_organiser = cached
    return cached


@rules.predicate
def is_partner(user):
    """True when the user holds a partner's read-only view of the programme."""
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_is_partner", None)
    if cached is None:
        from .models import PartnerRole

        cached = PartnerRole.objects.filter(user_id=user.pk).exists()
        user._is_partner = cached
    return cached


@rules.predicate
def is_jury_member(user):
    """True when the user sits on the jury of at least one call."""
    if not is_authenticated(user):
        return False
    memberships = getattr(user, "jury_memberships", None)
    return bool(memberships is not None and memberships.exists())


def has_verified_address(user, email):
    """Whether ``user`` owns ``email`` (any case) as a verified address: the
    proof an invitation sent to that address is theirs to accept."""
    if not is_authenticated(user):
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=email, verified=True
    ).exists()


@rules.predicate
def has_verified_email(user):
    if not is_authenticated(user):
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


# Partners pass the back office's guard (and its second factor) but every
# page other than the dashboard still requires the organiser or juror role.
has_backoffice_role = is_organiser | is_jury_member | is_partner


@rules.predicate
def has_mfa(user):
    return is_authenticated(user) and is_mfa_enabled(user)


def requires_mfa(user):
    """True when the user holds a role whose pages need two-factor authentication."""
    return has_backoffice_role(user)


def organiser_required(view):
    """View decorator: 403 unless the user is an organiser (a jury member on
    an organiser's page; anyone without a back-office role never gets past
    ``BackOfficeMFAMiddleware``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_organiser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


rules.add_perm("portal.access_backoffice", has_backoffice_role)
rules.add_perm("portal.manage_programme", is_organiser)
