import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from applications.jury.models import JuryMembership
from portal.audit.models import AuditEvent
from portal.outbox.enums import EmailKind, EmailState
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import CallFactory
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EMAIL_LIST = "/gestion/courriels/"
# Most content is checked in English (the page exists in both languages);
# the French pages are covered by the message test below.
EMAIL_LIST_EN = "/en/gestion/courriels/"
PARIS_NOON = datetime.datetime(2026, 3, 2, 11, 0, tzinfo=datetime.UTC)  # 12:00 Paris


class TableRows(HTMLParser):
    """The text of each cell of each row of the page's tbody."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.in_body = False
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append(" | ")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif self.cell is not None and tag in ("td", "th"):
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response):
    parser = TableRows()
    parser.feed(response.content.decode())
    return parser.rows


def make_email(key, *, to="lea@example.org", state=EmailState.SENT, **extra):
    values = {
        "idempotency_key": key,
        "kind": EmailKind.APPLICATION_RECEIPT,
        "to": to,
        "subject": "Votre candidature est déposée",
        "body": "Bonjour",
        "about": "AMI-2025-0007",
        "state": state,
        "attempts": 1,
        "created_at": PARIS_NOON,
        "sent_at": PARIS_NOON + datetime.timedelta(minutes=1)
        if state == EmailState.SENT
        else None,
    }
    values.update(extra)
    return OutgoingEmail.objects.create(**values)


def test_email_list_shows_state_reason_and_paris_times(organiser_client):
    make_email("receipt:7")
    make_email(
        "invitation:9",
        to="mehdi@example.org",
        kind=EmailKind.TEAM_INVITATION,
        subject="Invitation dans l’équipe",
        about="",
        state=EmailState.FAILED,
        attempts=8,
        last_error="451 4.3.0 Mailbox temporarily unavailable",
        created_at=PARIS_NOON + datetime.timedelta(hours=1),
    )

    response = organiser_client.get(EMAIL_LIST_EN)

    assert response.status_code == 200
    assert table_rows(response) == [
        [
            "2 March 2026 13:00",
            "mehdi@example.org",
            "Invitation dans l’équipe",
            "Team invitation",
            "Failed | 451 4.3.0 Mailbox temporarily unavailable Send again",
            "8",
            "—",
        ],
        [
            "2 March 2026 12:00",
            "lea@example.org",
            "Votre candidature est déposée | AMI-2025-0007",
            "Application receipt",
            "Sent",
            "1",
            "2 March 2026 12:01",
        ],
    ]
    page = response.content.decode()
    assert "<caption>2 emails, newest first (times in Paris)</caption>" in page
    assert page.count('action="/en/gestion/courriels/') == 1


def test_email_list_filters_by_state_kind_and_recipient(organiser_client):
    make_email("receipt:7")
    make_email("receipt:8", to="mehdi@example.org")
    make_email("grant:1", kind=EmailKind.DATA_GRANT, state=EmailState.QUEUED)

    by_state = organiser_client.get(EMAIL_LIST, {"state": "queued"})
    by_kind = organiser_client.get(EMAIL_LIST, {"kind": "application_receipt"})
    by_recipient = organiser_client.get(EMAIL_LIST, {"q": "MEHDI@"})

    assert [e.idempotency_key for e in by_state.context["page"]] == ["grant:1"]
    assert sorted(e.idempotency_key for e in by_kind.context["page"]) == [
        "receipt:7",
        "receipt:8",
    ]
    assert [e.idempotency_key for e in by_recipient.context["page"]] == ["receipt:8"]


def test_email_list_ignores_an_unknown_filter_value(organiser_client):
    make_email("receipt:7")

    response = organiser_client.get(
        EMAIL_LIST, {"state": "<script>", "kind": "x" * 500, "page": "-1"}
    )

    assert response.status_code == 200
    # The invalid values are dropped, as a missing filter would be.
    assert [e.idempotency_key for e in response.context["page"]] == ["receipt:7"]


def test_email_list_pages_keep_the_filters(organiser_client):
    for index in range(55):
        make_email(f"receipt:{index}")

    page = organiser_client.get(EMAIL_LIST_EN, {"state": "sent"}).content.decode()

    assert "Page 1 of 2" in page
    assert 'href="?state=sent&amp;page=2"' in page


@pytest.mark.parametrize("size", [3, 30])
def test_email_list_query_count_does_not_grow_with_rows(
    organiser_client, django_assert_num_queries, size
):
    for index in range(size):
        make_email(f"receipt:{index}", state=EmailState.FAILED, last_error="451")
    organiser_client.get(EMAIL_LIST)  # warm the session cache

    with django_assert_num_queries(4):
        response = organiser_client.get(EMAIL_LIST)

    assert len(response.context["page"]) == size


def test_email_list_is_for_organisers_only(client, user, settings):
    settings.PORTAL_REQUIRE_MFA = False
    juror = make_user("juror@example.org")
    JuryMembership.objects.create(call=CallFactory(), user=juror)
    client.force_login(juror)
    juror_status = client.get(EMAIL_LIST).status_code
    client.force_login(user)
    holder_status = client.get(EMAIL_LIST).status_code
    client.logout()
    anonymous = client.get(EMAIL_LIST)

    # A jury member holds a back-office role (403 here); anyone else is
    # turned away by the back-office middleware as for every /gestion/ page.
    assert (juror_status, holder_status) == (403, 404)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/comptes/login/?next=/gestion/courriels/"


def test_send_again_queues_a_failed_email_and_audits_it(
    organiser_client, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    email = make_email(
        "invitation:9",
        to="mehdi@example.org",
        state=EmailState.FAILED,
        attempts=8,
        last_error="451 4.3.0 Mailbox temporarily unavailable",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("outbox_bo:email_retry", kwargs={"pk": email.pk})
        )

    assert response.status_code == 302
    assert response["Location"] == EMAIL_LIST
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)
    assert [message.to for message in mailoutbox] == [["mehdi@example.org"]]
    event = AuditEvent.objects.get(verb="email.requeued")
    assert event.actor == organiser
    assert event.before == {"state": "failed", "attempts": 8}
    assert event.after == {"state": "queued", "attempts": 0}
    # The message is written in the language of the request that queued it.
    follow = organiser_client.get(EMAIL_LIST)
    assert [str(m) for m in follow.context["messages"]] == [
        "Le courriel à mehdi@example.org est de nouveau en attente d’envoi."
    ]


def test_send_again_refuses_an_email_already_sent(organiser_client, mailoutbox):
    email = make_email("receipt:7")

    organiser_client.post(reverse("outbox_bo:email_retry", kwargs={"pk": email.pk}))

    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(verb="email.requeued").exists()
    follow = organiser_client.get(EMAIL_LIST)
    assert [str(m) for m in follow.context["messages"]] == [
        "Seul un courriel en échec peut être renvoyé."
    ]


def test_send_again_of_an_unknown_email_is_404_and_get_is_405(organiser_client):
    assert organiser_client.post("/gestion/courriels/987654/renvoyer/").status_code == (
        404
    )
    email = make_email("invitation:9", state=EmailState.FAILED)
    url = reverse("outbox_bo:email_retry", kwargs={"pk": email.pk})
    assert organiser_client.get(url).status_code == 405


def test_backoffice_home_links_to_the_emails(organiser_client):
    page = organiser_client.get("/gestion/").content.decode()

    # "Emails sent" was already in the catalogue.
    assert f'<a href="{EMAIL_LIST}">Courriels envoyés</a>' in page


def test_admin_shows_emails_read_only(admin_client, admin_user):
    from allauth.mfa.models import Authenticator

    # The admin asks staff for the second factor too.
    Authenticator.objects.create(
        user=admin_user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    email = make_email("receipt:7")

    listing = admin_client.get(reverse("admin:outbox_outgoingemail_changelist"))
    change = admin_client.post(
        reverse("admin:outbox_outgoingemail_change", args=[email.pk]),
        {"subject": "Changed"},
    )

    assert listing.status_code == 200
    assert "lea@example.org" in listing.content.decode()
    assert change.status_code == 403
    email.refresh_from_db()
    assert email.subject == "Votre candidature est déposée"
    add = reverse("admin:outbox_outgoingemail_add")
    assert admin_client.get(add).status_code == 403
