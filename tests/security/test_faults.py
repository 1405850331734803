"""Faults injected on real servers: Redis stopped, and Redis hung (a listener
on the same port that accepts connections and never answers).

For each fault, what people do keeps working within a bounded time: the home
page, the password login, the second factor, signed-in pages, the autosave of
a draft, the feedback form and a workshop registration. Their emails are
queued in the outbox although ``.delay()`` meets a dead broker, and are sent
once Redis is back. Keyed API requests answer 503 in JSON, ``/healthz`` 503
without internal addresses. When Redis comes back on the same port,
everything resumes without a restart. Cache, broker and result backend all
point at the test's own Redis, as in production (one ``REDIS_URL``).

``FAULTS`` below is also what ``make security-report`` counts.
"""

import json
import threading
import time
from datetime import timedelta

import pytest
import redis
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Submission
from applications.services.emails import queue_missing_receipts
from datasets.access.services import issue_api_key
from datasets.models import Dataset, Feedback
from datasets.services import seed_catalogue
from portal import cache as portal_cache
from portal.outbox.enums import EmailKind, EmailState
from portal.outbox.models import OutgoingEmail
from portal.outbox.services import (
    message_id_for,
    queue_email,
    send_outgoing_email,
    sweep_outbox,
)
from tests.applications.factories import ApplicationFactory, make_complete_application
from tests.conftest import make_user
from tests.datasets.conftest import make_grant
from tests.fault_servers import (
    CeleryOn,
    HungServer,
    OwnRedis,
    free_port,
    point_cache_at,
)
from tests.portal.outbox.conftest import SMTPServer
from tests.workshops.factories import WorkshopFactory
from workshops.enums import RegistrationState
from workshops.models import Registration

# Each request under a fault: well under the 5 to 15 s a hung Redis cost
# before the timeouts (issue 12).
BOUND_SECONDS = 3.0
PASSWORD = "correct-horse-battery"
FAULTS = ("stopped", "hung")


class RedisFault:
    """The test's own Redis, for the cache, the broker and the results; then
    the fault on its port; then Redis back on the same port."""

    def __init__(self, settings, mode):
        self.mode = mode
        self.redis = OwnRedis()
        self.redis.start()
        self.url = self.redis.url
        point_cache_at(settings, self.url)
        self.celery = CeleryOn(self.url)
        self.hung = None

    def inject(self):
        self.redis.stop()
        if self.mode == "hung":
            self.hung = HungServer(self.redis.port)

    def recover(self):
        """Redis answers again on the same port; the breaker's retry delay
        passes (no restart, no reset of anything in the portal)."""
        if self.hung is not None:
            self.hung.close()
            self.hung = None
        self.redis.start()
        time.sleep(portal_cache.REDIS_RETRY_SECONDS + 0.1)

    def close(self):
        self.celery.restore()
        caches["default"].close()
        if self.hung is not None:
            self.hung.close()
        self.redis.stop()
        portal_cache.reset_breakers()


@pytest.fixture(params=FAULTS)
def fault(request, settings):
    injected = RedisFault(settings, request.param)
    # The first request of a process imports and compiles for seconds:
    # done here, with Redis up, so that the bound measures the fault only.
    Client().get("/en/")
    yield injected
    injected.close()


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    seconds = time.monotonic() - started
    assert seconds < BOUND_SECONDS, f"{seconds:.2f} s"
    return response


def send_the_outbox():
    """What the beat sweeper does once Redis is back (eager tasks here)."""
    later = timezone.now() + timedelta(minutes=20)
    for _ in range(2):
        sweep_outbox(now=later)


@pytest.mark.django_db
def test_home_page_keeps_working(client, fault):
    fault.inject()

    response = timed(client.get, "/en/")

    assert response.status_code == 200
    assert "OpenBatignolles" in response.content.decode()

    fault.recover()
    assert timed(client.get, "/en/").status_code == 200


@pytest.mark.django_db
def test_password_login_keeps_working(client, fault):
    user = make_user("lea@example.org", password=PASSWORD)
    fault.inject()

    response = timed(
        client.post, "/comptes/login/", {"login": user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/mon-compte/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert timed(client.get, "/en/mon-compte/").status_code == 200


@pytest.mark.django_db
def test_failed_logins_stay_limited(client, fault):
    """allauth's limits fail safe: counted in the process, never lifted."""
    user = make_user("lea@example.org", password=PASSWORD)
    fault.inject()

    for _ in range(5):
        timed(client.post, "/en/comptes/login/", {"login": user.email, "password": "x"})
    # 5 failures per 5 minutes per address (ACCOUNT_RATE_LIMITS): even the
    # right password is refused now.
    response = timed(
        client.post, "/en/comptes/login/", {"login": user.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_second_factor_login_keeps_working(client, fault):
    user = make_user("claire@example.org", password=PASSWORD)
    secret = generate_totp_secret()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    fault.inject()

    response = timed(
        client.post, "/comptes/login/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/comptes/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = timed(client.post, "/comptes/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/mon-compte/"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_signed_in_pages_keep_working(client, user, fault):
    application = ApplicationFactory(created_by=user, title="Rues calmes")
    client.force_login(user)
    fault.inject()

    dashboard = timed(client.get, "/en/mon-compte/")
    mine = timed(client.get, "/en/appels/mes-candidatures/")

    assert dashboard.status_code == 200
    assert mine.status_code == 200
    assert "Rues calmes" in mine.content.decode()
    assert application.reference in mine.content.decode()


@pytest.mark.django_db
def test_autosave_keeps_working(client, user, fault):
    application = ApplicationFactory(created_by=user, title="")
    client.force_login(user)
    fault.inject()

    response = timed(
        client.post,
        reverse("applications:autosave", args=[application.reference]),
        data=json.dumps({"version": 1, "fields": {"title": "Rues calmes"}}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2
    application.refresh_from_db()
    assert application.title == "Rues calmes"


@pytest.mark.django_db
def test_feedback_is_stored_and_its_email_sent_later(
    client, fault, django_capture_on_commit_callbacks
):
    seed_catalogue()
    fault.inject()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/donnees/capteurs/PED-001/",
            {
                "name": "Jeanne",
                "email": "jeanne@example.org",
                "message": "Le capteur clignote la nuit.",
                "website": "",
            },
        )
    # The on_commit callbacks (the .delay() of the email) run in the request.
    assert time.monotonic() - started < BOUND_SECONDS

    assert response.status_code == 302
    assert response["Location"] == "/donnees/capteurs/PED-001/merci/"
    assert Feedback.objects.get().message == "Le capteur clignote la nuit."
    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts) == (EmailState.QUEUED, 0)
    assert mail.outbox == []

    fault.recover()
    fault.celery.restore()  # the sweeper's tasks run eagerly from here
    with django_capture_on_commit_callbacks(execute=True):
        send_the_outbox()

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(mail.outbox) == 1
    assert "Le capteur clignote la nuit." in mail.outbox[0].body


@pytest.mark.django_db
def test_workshop_registration_is_kept_and_confirmed_later(
    client, user, fault, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(title="Découvrir les données")
    client.force_login(user)
    fault.inject()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workshops:workshop_register", kwargs={"slug": workshop.slug})
        )
    assert time.monotonic() - started < BOUND_SECONDS

    assert response.status_code == 302
    registration = Registration.objects.get(workshop=workshop, user=user)
    assert registration.state == RegistrationState.CONFIRMED
    email = OutgoingEmail.objects.get()
    assert (email.to, email.state, email.attempts) == (user.email, "queued", 0)

    fault.recover()
    # The broker takes tasks again without a restart: the sweeper's task
    # lands in the test's Redis (Celery's default queue).
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox(now=timezone.now() + timedelta(minutes=3)) == [email.pk]
    queue = redis.Redis.from_url(fault.url)
    assert queue.llen("celery") == 1
    queue.close()
    fault.celery.restore()
    with django_capture_on_commit_callbacks(execute=True):
        send_the_outbox()

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "Découvrir les données" in mail.outbox[0].subject


@pytest.mark.django_db
def test_keyed_api_and_healthz_answer_503_then_resume(client, organiser, fault):
    holder = make_user("ines@example.org", full_name="Inès Moreau")
    seed_catalogue()
    pedestrians = Dataset.objects.get(slug="pedestrian-flows")
    grant = make_grant(holder, [pedestrians], organiser)
    _key, token = issue_api_key(grant, name="prod", actor=holder)
    keyed = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    assert client.get("/api/v1/datasets/", **keyed).status_code == 200
    fault.inject()

    api = timed(client.get, "/api/v1/datasets/", **keyed)
    health = timed(client.get, "/healthz")

    assert api.status_code == 503
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "limits_unavailable"
    assert health.status_code == 503
    assert health.json()["backends"]["redis"] in (
        "error: ConnectionError",
        "error: TimeoutError",
    )
    text = health.content.decode()
    assert "127.0.0.1" not in text
    assert str(fault.redis.port) not in text

    fault.recover()

    assert client.get("/api/v1/datasets/", **keyed).status_code == 200
    assert client.get("/healthz").status_code == 200


MAIL_FAULTS = ("dropped", "hung")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", MAIL_FAULTS)
def test_mail_server_failing_then_back_delivers_once(settings, mode):
    """A mail server that drops each connection, or accepts and never
    answers; the send task redelivered meanwhile; then the server back on the
    same port and two workers at once with the sweeper: one message."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    broken = HungServer(port, drop=mode == "dropped")
    try:
        email = queue_email(
            key="invitation:42:mehdi@example.org",
            kind=EmailKind.TEAM_INVITATION,
            to="mehdi@example.org",
            subject="Léa Fontaine vous invite dans son équipe",
            body="Bonjour,\nRejoignez l’équipe « Baromètre du bruit nocturne ».",
            language="fr",
        )
        for _ in range(2):  # the task, then the same task redelivered
            started = time.monotonic()
            outcome = send_outgoing_email(OutgoingEmail.objects.get(pk=email.pk))
            assert time.monotonic() - started < BOUND_SECONDS
            assert outcome.status == "retry"
    finally:
        broken.close()
    email.refresh_from_db()
    # The task queued on commit (eager here) tried first, then the two above.
    assert (email.state, email.attempts) == ("queued", 3)
    assert (
        email.last_error
        == {
            "dropped": "SMTPServerDisconnected: Connection unexpectedly closed",
            "hung": "SMTPServerDisconnected: Connection unexpectedly closed: timed out",
        }[mode]
    )

    server = SMTPServer(port)
    server.start()
    try:
        outcomes = []

        def worker():
            try:
                row = OutgoingEmail.objects.get(pk=email.pk)
                outcomes.append(send_outgoing_email(row).status)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        swept = sweep_outbox(now=timezone.now() + timedelta(hours=2))
    finally:
        server.stop()

    email.refresh_from_db()
    # The second worker skipped the locked (or already sent) row.
    assert sorted(outcomes) == ["sent", "skipped"]
    assert swept == []
    assert (email.state, email.attempts) == ("sent", 4)
    assert [message["To"] for message in server.messages] == ["mehdi@example.org"]
    assert server.messages[0]["Message-ID"].strip() == message_id_for(
        email.idempotency_key
    )


@pytest.mark.django_db
def test_submission_is_kept_and_its_receipt_sent_later(
    client, user, fault, django_capture_on_commit_callbacks
):
    application = make_complete_application(created_by=user)
    client.force_login(user)
    fault.inject()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/appels/candidatures/{application.reference}/deposer/"
        )
    assert time.monotonic() - started < BOUND_SECONDS

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.receipt_queued_at is None
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    fault.recover()
    fault.celery.restore()
    with django_capture_on_commit_callbacks(execute=True):
        # The receipt sweeper (every few minutes in beat), then the outbox's.
        queued = queue_missing_receipts(now=timezone.now() + timedelta(minutes=30))
        send_the_outbox()

    assert queued == 1
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert application.reference in mail.outbox[0].subject
