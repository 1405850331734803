"""The life of a grant: the charter before keys, bounds and limits, renewal,
narrowing, suspension, key options, and the lifecycle emails."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from freezegun import freeze_time

from datasets.access.charter import (
    charter_in_force,
    project_has_signed_charter_in_force,
    sign_charter,
)
from datasets.access.forms import ApiKeyForm, GrantTermsForm
from datasets.access.grants import (
    lift_grant_suspension,
    parse_networks,
    send_expiry_reminders,
    suspend_data_grant,
)
from datasets.access.models import ApiKey, CharterSignature
from datasets.access.services import (
    change_data_grant,
    grant_data_access,
    issue_api_key,
)
from datasets.rollups import paris_midnight
from portal.audit.models import AuditEvent
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import DataCharterFactory
from tests.conftest import make_user
from tests.datasets.conftest import make_grant, make_project

pytestmark = pytest.mark.django_db


def end_of(day):
    return paris_midnight(day + datetime.timedelta(days=1))


def today():
    return timezone.localdate()


def subjects():
    return list(OutgoingEmail.objects.order_by("id").values_list("to", "subject"))


# --- the charter ----------------------------------------------------------------


def test_key_refused_until_the_charter_in_force_is_signed(holder, datasets, organiser):
    project = make_project(holder, "Trottoirs vivants", signed=False)
    grant = make_grant(holder, datasets, organiser, project=project)

    with pytest.raises(ValidationError) as refused:
        issue_api_key(grant, name="prod", actor=holder)

    assert refused.value.messages == [
        "Sign the data charter in force before creating a key."
    ]
    sign_charter(
        project, charter=charter_in_force(), signer=holder, signer_name="Inès Moreau"
    )
    key, _token = issue_api_key(grant, name="prod", actor=holder)
    assert key.grant == grant


def test_new_charter_version_asks_a_new_signature_before_a_new_key(
    holder, datasets, organiser
):
    grant = make_grant(holder, datasets, organiser)  # signed version 1.0
    first, _token = issue_api_key(grant, name="prod", actor=holder)
    new_version = DataCharterFactory(version="2.0", published_on=today())

    assert charter_in_force() == new_version
    assert project_has_signed_charter_in_force(grant.project) is False
    with pytest.raises(ValidationError) as refused:
        issue_api_key(grant, name="second", actor=holder)
    assert refused.value.messages == [
        "Sign the data charter in force before creating a key."
    ]
    # The key made before keeps working: only new keys wait.
    assert ApiKey.objects.get().pk == first.pk

    signature = sign_charter(
        grant.project, charter=new_version, signer=holder, signer_name=" Inès M. "
    )
    assert (signature.signer, signature.signer_name) == (holder, "Inès M.")
    issue_api_key(grant, name="second", actor=holder)
    assert ApiKey.objects.count() == 2


def test_future_charter_version_is_not_yet_in_force(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser)
    DataCharterFactory(version="3.0", published_on=today() + datetime.timedelta(1))

    assert charter_in_force().version == "1.0"
    assert project_has_signed_charter_in_force(grant.project) is True


def test_sign_charter_refuses_outsiders_old_versions_and_twice(holder, organiser):
    project = make_project(holder, signed=False)
    old = charter_in_force()
    outsider = make_user("autre@example.org")

    with pytest.raises(ValidationError) as refused:
        sign_charter(project, charter=old, signer=outsider, signer_name="X")
    assert refused.value.messages == ["Only a member of the project's team can sign."]

    sign_charter(project, charter=old, signer=holder, signer_name="Inès")
    with pytest.raises(ValidationError) as twice:
        sign_charter(project, charter=old, signer=holder, signer_name="Inès")
    assert twice.value.messages == [
        "Your project already signed this version of the charter."
    ]

    DataCharterFactory(version="2.0", published_on=today())
    with pytest.raises(ValidationError) as stale:
        sign_charter(project, charter=old, signer=holder, signer_name="Inès")
    assert stale.value.messages == [
        "This version of the charter is no longer in force: read the new one."
    ]
    assert CharterSignature.objects.count() == 1
    event = AuditEvent.objects.get(verb="charter.signed")
    assert event.data == {"version": "1.0", "project": project.pk}


# --- terms, defaults and bounds -----------------------------------------------------


def test_grant_defaults_limits_and_purpose_from_the_project(
    holder, datasets, organiser
):
    project = make_project(holder)
    project.summary = "Mesurer le bruit nocturne rue par rue."
    project.save(update_fields=["summary"])

    grant = grant_data_access(
        project,
        holder=holder,
        datasets=datasets,
        expires_at=end_of(today() + datetime.timedelta(days=30)),
        actor=organiser,
    )

    assert (grant.requests_per_minute, grant.requests_per_day) == (600, 100_000)
    assert grant.purpose == "Mesurer le bruit nocturne rue par rue."


def test_grant_form_defaults_to_one_year_and_requested_datasets(
    organiser_client, holder, datasets
):
    from tests.applications.factories import CallFactory

    call = CallFactory(datasets=datasets)
    project = make_project(holder, call=call)
    project.application.requested_datasets.create(dataset=datasets[1])

    with translation.override("en"):
        from django.urls import reverse

        response = organiser_client.get(
            reverse("access:grant_create") + f"?project={project.pk}"
        )

    form = response.context["form"]
    assert form.initial["ends_on"] == today() + datetime.timedelta(days=365)
    assert form.initial["datasets"] == [datasets[1].pk]
    assert form.initial["holder_email"] == "ines@example.org"


@pytest.mark.parametrize(
    ("ends_on", "message"),
    [
        (
            datetime.date(9999, 12, 31),
            "The experiment ends on 30 June 2030: choose that day or an earlier one.",
        ),
        (
            datetime.date(2030, 7, 1),
            "The experiment ends on 30 June 2030: choose that day or an earlier one.",
        ),
    ],
)
def test_grant_form_refuses_an_end_beyond_the_experiment(datasets, ends_on, message):
    with translation.override("en"):
        form = GrantTermsForm(
            {"datasets": [datasets[0].pk], "ends_on": ends_on.isoformat()}
        )
        assert form.is_valid() is False
        assert form.errors["ends_on"] == [message]


@freeze_time("2030-03-01 12:00:00")
def test_grant_service_refuses_an_end_beyond_the_experiment(
    holder, datasets, organiser
):
    project = make_project(holder)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        grant_data_access(
            project,
            holder=holder,
            datasets=datasets,
            expires_at=end_of(datetime.date(2030, 7, 1)),
            actor=organiser,
        )

    assert refused.value.messages == [
        "The experiment ends on 30 June 2030: an access cannot run beyond."
    ]


@pytest.mark.parametrize(
    ("minute", "day", "errors"),
    [
        ("10000000000000000000000", "5", {"requests_per_minute"}),
        ("600", "1e9", {"requests_per_day"}),
        ("0", "100", {"requests_per_minute"}),
        ("600", "100000001", {"requests_per_day"}),
        ("600", "500", {"requests_per_day"}),  # fewer per day than per minute
        ("-1", "abc", {"requests_per_minute", "requests_per_day"}),
    ],
)
def test_grant_form_refuses_hostile_limits(datasets, minute, day, errors):
    form = GrantTermsForm(
        {
            "datasets": [datasets[0].pk],
            "ends_on": (today() + datetime.timedelta(days=30)).isoformat(),
            "requests_per_minute": minute,
            "requests_per_day": day,
        }
    )

    assert form.is_valid() is False
    assert set(form.errors) == errors


@pytest.mark.parametrize(
    ("minute", "day", "message"),
    [
        (10**30, 10, "A limit lies between 1 and 100,000 requests."),
        (0, 10, "A limit lies between 1 and 100,000 requests."),
        (True, 10, "A limit is a whole number of requests."),
        ("5", 10, "A limit is a whole number of requests."),
        (60, 10**12, "A limit lies between 1 and 100,000,000 requests."),
        (60, 30, "The daily limit cannot be lower than the per-minute limit."),
    ],
)
def test_grant_service_refuses_hostile_limits(
    holder, datasets, organiser, minute, day, message
):
    grant = make_grant(holder, datasets, organiser)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        change_data_grant(
            grant,
            datasets=datasets,
            expires_at=grant.expires_at,
            actor=organiser,
            requests_per_minute=minute,
            requests_per_day=day,
        )

    assert refused.value.messages == [message]


# --- renew, narrow, suspend -------------------------------------------------------


def test_renew_and_narrow_are_audited_in_words_and_emailed(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser)
    key, _token = issue_api_key(
        grant, name="prod", actor=holder, datasets=[datasets[1]]
    )
    OutgoingEmail.objects.all().delete()
    new_end = today() + datetime.timedelta(days=200)

    change_data_grant(
        grant,
        datasets=[datasets[0]],
        expires_at=end_of(new_end),
        actor=organiser,
        requests_per_minute=60,
        requests_per_day=5000,
    )

    grant.refresh_from_db()
    assert grant.ends_on == new_end
    assert (grant.requests_per_minute, grant.requests_per_day) == (60, 5000)
    assert list(grant.datasets.values_list("slug", flat=True)) == ["pedestrian-flows"]
    # The key limited to the lost dataset keeps none of it.
    assert list(key.datasets.all()) == []
    event = AuditEvent.objects.get(verb="data_grant.changed")
    assert event.data == {"changes": ["renewed", "narrowed", "limits"]}
    [email] = OutgoingEmail.objects.all()
    assert (email.to, email.subject) == (
        "ines@example.org",
        "Data access of “Trottoirs vivants” changed",
    )
    with translation.override("en"):
        from django.utils.formats import date_format

        shown = date_format(new_end, "j F Y")
    assert f"It is renewed: it now runs until the end of {shown}" in email.body
    assert "- Pedestrian flows (pedestrian-flows)" in email.body
    assert "Each key may now make 60 requests per minute and 5000 per day." in (
        email.body
    )


def test_change_that_changes_nothing_writes_and_sends_nothing(
    holder, datasets, organiser
):
    grant = make_grant(holder, datasets, organiser)
    OutgoingEmail.objects.all().delete()

    change_data_grant(
        grant, datasets=datasets, expires_at=grant.expires_at, actor=organiser
    )

    assert AuditEvent.objects.filter(verb="data_grant.changed").count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_suspend_then_lift_audited_emailed_and_keys_follow(holder, datasets, organiser):
    from datasets.access import keys

    grant = make_grant(holder, datasets, organiser)
    key, token = issue_api_key(grant, name="prod", actor=holder)
    OutgoingEmail.objects.all().delete()

    suspend_data_grant(grant, reason="Usage hors charte", actor=organiser)

    grant.refresh_from_db()
    assert grant.suspend_reason == "Usage hors charte"
    # The key is refused with the reason, not as unknown.
    assert keys.load_access(keys.digest_of(token)) == "grant_suspended"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue_api_key(grant, name="other", actor=holder)
    assert refused.value.messages == ["This access is suspended: no new key."]
    with pytest.raises(ValidationError):
        suspend_data_grant(grant, reason="encore", actor=organiser)

    lift_grant_suspension(grant, actor=organiser)

    grant.refresh_from_db()
    assert (grant.suspended_at, grant.suspend_reason) == (None, "")
    assert keys.load_access(keys.digest_of(token)).key_id == key.pk
    assert list(
        AuditEvent.objects.filter(verb__startswith="data_grant.")
        .order_by("id")
        .values_list("verb", flat=True)
    ) == ["data_grant.created", "data_grant.suspended", "data_grant.resumed"]
    assert subjects() == [
        ("ines@example.org", "Data access of “Trottoirs vivants” suspended"),
        ("ines@example.org", "Data access of “Trottoirs vivants” resumed"),
    ]
    body = OutgoingEmail.objects.order_by("id").first().body
    assert "Reason: Usage hors charte" in body
    assert token not in body


def test_suspend_needs_a_reason(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        suspend_data_grant(grant, reason="  ", actor=organiser)

    assert refused.value.messages == ["Give the reason for the suspension."]


# --- key options ------------------------------------------------------------------


def test_key_created_with_options_and_the_team_emailed(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser)
    OutgoingEmail.objects.all().delete()
    last_day = today() + datetime.timedelta(days=10)

    key, token = issue_api_key(
        grant,
        name="prod",
        actor=holder,
        datasets=[datasets[1]],
        expires_at=end_of(last_day),
        allowed_networks=["192.0.2.7/24", "2001:db8::/32"],
    )

    key.refresh_from_db()
    assert list(key.datasets.values_list("slug", flat=True)) == ["sound-levels"]
    assert key.ends_on == last_day
    assert key.allowed_networks == ["192.0.2.0/24", "2001:db8::/32"]
    [email] = OutgoingEmail.objects.all()
    assert email.subject == "New API key “prod” for “Trottoirs vivants”"
    assert f"obk_{key.prefix}" in email.body
    assert token not in email.body


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"expires_in": 200}, "A key ends on {end} at the latest, with its access."),
        ({"expires_in": -2}, "The end of the key must be in the future."),
        ({"networks": ["10.0.0.0/33"]}, "is not an IP address range"),
        ({"networks": ["not-an-ip"]}, "is not an IP address range"),
        ({"networks": ["10.0.0.1"] * 21}, "20 address ranges at most."),
        ({"other_dataset": True}, "A key reads only datasets of its access."),
    ],
)
def test_key_options_outside_the_grant_refused(
    holder, datasets, organiser, options, message
):
    from tests.datasets.factories import DatasetFactory

    grant = make_grant(holder, datasets[:1], organiser)
    kwargs = {}
    if "expires_in" in options:
        kwargs["expires_at"] = timezone.now() + datetime.timedelta(
            days=options["expires_in"]
        )
    if "networks" in options:
        kwargs["allowed_networks"] = options["networks"]
    if "other_dataset" in options:
        kwargs["datasets"] = [DatasetFactory(slug="parking")]

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        issue_api_key(grant, name="prod", actor=holder, **kwargs)

    from django.utils.formats import date_format

    with translation.override("en"):
        expected = message.format(end=date_format(grant.ends_on))
    assert expected in refused.value.messages[0]
    assert ApiKey.objects.count() == 0


def test_parse_networks_reads_lines_and_commas():
    assert parse_networks("192.0.2.0/24\n 198.51.100.7, 2001:db8::/48") == [
        "192.0.2.0/24",
        "198.51.100.7/32",
        "2001:db8::/48",
    ]


def test_key_form_keeps_only_the_grants_datasets_and_an_earlier_end(
    holder, datasets, organiser
):
    grant = make_grant(holder, datasets[:1], organiser)
    with translation.override("en"):
        form = ApiKeyForm(
            {
                "name": "prod",
                "datasets": ["sound-levels"],
                "ends_on": "9999-12-31",
                "allowed_networks": "300.1.1.1/8",
            },
            grant=grant,
        )
        assert form.is_valid() is False
        assert set(form.errors) == {"datasets", "ends_on", "allowed_networks"}


# --- expiry reminders -----------------------------------------------------------------


def test_expiry_reminders_sent_once_at_30_and_7_days(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser, days=90)
    key, _token = issue_api_key(
        grant,
        name="prod",
        actor=holder,
        expires_at=grant.expires_at - datetime.timedelta(days=40),
    )
    OutgoingEmail.objects.all().delete()
    start = timezone.now()

    with freeze_time(start + datetime.timedelta(days=10)):
        assert send_expiry_reminders() == 0  # key 40 days off, grant 80
    with freeze_time(start + datetime.timedelta(days=21)):
        send_expiry_reminders()
        send_expiry_reminders()  # beat runs twice: still one email
    with freeze_time(start + datetime.timedelta(days=44)):
        send_expiry_reminders()
    with freeze_time(start + datetime.timedelta(days=61)):
        send_expiry_reminders()
        send_expiry_reminders()
    with freeze_time(start + datetime.timedelta(days=84)):
        send_expiry_reminders()
        send_expiry_reminders()

    assert subjects() == [
        ("ines@example.org", "API key “prod” ends in 30 days"),
        ("ines@example.org", "API key “prod” ends in 7 days"),
        ("ines@example.org", "Data access of “Trottoirs vivants” ends in 30 days"),
        ("ines@example.org", "Data access of “Trottoirs vivants” ends in 7 days"),
    ]


def test_renewed_grant_is_reminded_again_for_its_new_end(holder, datasets, organiser):
    grant = make_grant(holder, datasets, organiser, days=60)
    OutgoingEmail.objects.all().delete()
    start = timezone.now()
    with freeze_time(start + datetime.timedelta(days=35)):
        send_expiry_reminders()
        change_data_grant(
            grant,
            datasets=datasets,
            expires_at=grant.expires_at + datetime.timedelta(days=30),
            actor=organiser,
        )
    with freeze_time(start + datetime.timedelta(days=65)):
        send_expiry_reminders()

    assert [subject for _to, subject in subjects()] == [
        "Data access of “Trottoirs vivants” ends in 30 days",
        "Data access of “Trottoirs vivants” changed",
        "Data access of “Trottoirs vivants” ends in 30 days",
    ]


def test_revoked_grants_and_keys_get_no_reminder(holder, datasets, organiser):
    from datasets.access.services import revoke_data_grant

    grant = make_grant(holder, datasets, organiser, days=40)
    revoke_data_grant(grant, reason="fin", actor=organiser)
    OutgoingEmail.objects.all().delete()

    with freeze_time(timezone.now() + datetime.timedelta(days=20)):
        assert send_expiry_reminders() == 0

    assert OutgoingEmail.objects.count() == 0


def test_expiry_reminder_task_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["access-expiry-reminders"]
    assert entry["task"] == "access.send_expiry_reminders"
