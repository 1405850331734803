"""Sessions that bring their user: one query where Django makes two.

Django's database sessions read the session row, then ``AuthenticationMiddleware``
reads the user it names: two round trips and two compiled queries before any
signed-in page starts its own work. Here the session row also names its user
in a column (``accounts.Session.user``, kept in step with the session's data
on every save), the session is read with its user joined (one statement,
built once from the models' fields), and the
authentication backends take that user instead of reading it again
(``get_user`` below, ``portal.accounts.backends``). Django's checks are all
kept: the backend recorded at login, ``user_can_authenticate`` (an inactive
account is refused), and the session hash that ends every session when the
password changes.

A user's sessions are deleted with the user (the foreign key cascades).
"""

import contextvars
import functools
from contextlib import contextmanager

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

_PREFETCHED_USER = contextvars.ContextVar("prefetched_user", default=None)


class SessionStore(DatabaseSessionStore):
    """Django's database session store on ``accounts.Session``, whose
    ``load`` reads the session's data and its user in one statement."""

    prefetched_user = None

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        return instance

    def load(self):
        # What DatabaseSessionStore.load does (an unknown or expired key
        # starts an empty session under a new key), in one statement with
        # the user, without the ORM's compiling and model building (about
        # 0.5 ms of CPU a request: bench/workshop_registration.py).
        connection = connections[router.db_for_read(self.model)]
        sql, user_model, names, converters = _session_with_user_sql(
            self.model, connection.alias
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data, *values = row
        if values[0] is not None:
            for index, convert in converters:
                values[index] = convert(values[index], None, connection)
            self.prefetched_user = user_model.from_db(connection.alias, names, values)
        return self.decode(data)


@functools.cache
def _session_with_user_sql(model, alias):
    """The statement that reads a session's data and its user's columns,
    the user model, its fields' names and their converters (built once per
    process and database from the models' fields)."""
    connection = connections[alias]
    user_model = model._meta.get_field("user").related_model
    fields = user_model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    sql = (
        f"SELECT s.{quote('session_data')}, {columns} "
        f"FROM {quote(model._meta.db_table)} s "
        f"LEFT JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{quote(user_model._meta.pk.column)} = s.{quote('user_id')} "
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    converters = [
        (index, converter)
        for index, field in enumerate(fields)
        for converter in field.get_db_converters(connection)
    ]
    return sql, user_model, [field.attname for field in fields], converters


@contextmanager
def prefetched_user(user):
    """While inside, the backends of ``portal.accounts.backends`` answer
    ``get_user(user.pk)`` with ``user`` instead of a query."""
    token = _PREFETCHED_USER.set(user)
    try:
        yield
    finally:
        _PREFETCHED_USER.reset(token)


def user_read_with_the_session(user_id):
    """The user the session was read with, if it is ``user_id``; else None."""
    user = _PREFETCHED_USER.get()
    if user is not None and str(user.pk) == str(user_id):
        return user
    return None


def get_user(request):
    """``django.contrib.auth.get_user`` with the user the session brought."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session._get_session()  # loads the session (and its user) if not yet
        with prefetched_user(getattr(session, "prefetched_user", None)):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class SessionUserAuthenticationMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware`` whose ``request.user`` comes with the
    session's row (``get_user``); ``request.auser`` stays Django's."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
