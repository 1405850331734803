"""The authentication backends, taking the user their session brought.

Each is Django's or allauth's own, with one change: ``get_user`` answers with
the user read together with the session (``portal.accounts.sessions``) when
it is the one asked for, still refused when ``user_can_authenticate`` says so
(an inactive account), and reads the database otherwise.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .sessions import user_read_with_the_session


class SessionUserMixin:
    def get_user(self, user_id):
        user = user_read_with_the_session(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(SessionUserMixin, DjangoModelBackend):
    """Django's ``ModelBackend``."""


class AuthenticationBackend(SessionUserMixin, AllauthBackend):
    """allauth's ``AuthenticationBackend`` (sign-in by email address)."""
