"""The holder's data access pages (/donnees/mes-acces/): grants, keys shown
once, rotation and revocation, and the keys working on the API."""

import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from datasets.access.models import ApiKey
from datasets.access.services import (
    issue_api_key,
    revoke_data_grant,
    rotate_api_key,
)
from tests.datasets.api.conftest import october_day, world  # noqa: F401
from tests.datasets.conftest import make_grant

pytestmark = pytest.mark.django_db

ACCESS_LIST = reverse("access:access_list")
LOGIN = reverse("account_login")
READINGS = "/api/v1/readings/"
ONE_DAY_15MIN = {
    "dataset": "pedestrian-flows",
    "metric": "pedestrians_in",
    "sensor": "PED-001",
    "start": "2025-10-07",
    "end": "2025-10-08",
    "interval": "15min",
}
TOKEN_RE = re.compile(r"obk_[0-9a-f]{8}_[0-9A-Za-z]{38}")


@pytest.fixture
def english(client):
    """The client, with English pages: their paths start with /en/ (reverse
    them inside the test)."""
    with translation.override("en"):
        yield client


def access_list():
    return reverse("access:access_list")


@pytest.fixture
def grant(holder, datasets, organiser):
    return make_grant(holder, datasets[:1], organiser)


@pytest.fixture
def key(grant, holder):
    return issue_api_key(grant, name="serveur de prod", actor=holder)[0]


def login(client, who):
    client.force_login(who)
    return client


def create_key(client, grant, name="serveur de prod"):
    return client.post(
        reverse("access:key_create", kwargs={"pk": grant.pk}), {"name": name}
    )


def created_key_page(client, grant, name="serveur de prod"):
    """Create a key and follow the redirect to the page showing it once."""
    response = create_key(client, grant, name=name)
    assert response.status_code == 302
    return client.get(response["Location"])


def token_in(response):
    return TOKEN_RE.findall(response.content.decode())


# --- who sees what --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("holder", 200), ("other", 404), ("organiser", 404)],
)
@pytest.mark.parametrize("page", ["rotate", "revoke"])
def test_key_pages_answer_only_the_holder(
    client, holder, other_user, organiser, key, who, expected, page
):
    people = {"holder": holder, "other": other_user, "organiser": organiser}
    if who in people:
        client.force_login(people[who])
    url = reverse(f"access:key_{page}", kwargs={"pk": key.pk})

    get = client.get(url)
    post = client.post(url)

    assert get.status_code == expected
    if who == "anonymous":
        assert get["Location"] == f"{LOGIN}?next={url}"
    holder_post = 302  # both redirect: rotation to the new key shown once
    assert post.status_code == (holder_post if who == "holder" else expected)
    key.refresh_from_db()
    changed = key.revoked_at is not None or key.replaced_by_id is not None
    assert changed is (who == "holder")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("holder", 302), ("other", 404), ("organiser", 404)],
)
def test_create_key_answers_only_the_holder(
    client, holder, other_user, organiser, grant, who, expected
):
    people = {"holder": holder, "other": other_user, "organiser": organiser}
    if who in people:
        client.force_login(people[who])

    response = create_key(client, grant)

    assert response.status_code == expected
    assert ApiKey.objects.count() == (1 if who == "holder" else 0)


def test_access_list_requires_login(client):
    response = client.get(ACCESS_LIST)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ACCESS_LIST}"


def test_access_list_shows_only_my_grants(
    english, holder, other_user, datasets, organiser
):
    mine = make_grant(holder, datasets, organiser, project="Baromètre du bruit")
    make_grant(other_user, datasets, organiser, project="Jumeau numérique")
    login(english, holder)

    response = english.get(access_list())

    assert [grant.project for grant in response.context["grants"]] == [mine.project]
    page = response.content.decode()
    assert f'<h2 id="grant-{mine.pk}-title">Baromètre du bruit</h2>' in page
    assert "Jumeau numérique" not in page
    assert (
        "<dd>Pedestrian flows (<code>pedestrian-flows</code>), "
        "Sound levels (<code>sound-levels</code>)</dd>"
    ) in page
    assert '<span class="badge badge-success">Active</span>' in page
    assert "<p>No key yet.</p>" in page
    assert f'<label for="id_grant{mine.pk}_name">Key name:</label>' in page


def test_access_list_empty_state(english, holder):
    login(english, holder)

    page = english.get(access_list()).content.decode()

    assert (
        "<strong>No data access yet: it is granted to retained projects that "
        "signed the charter.</strong>"
    ) in page


def test_access_list_shows_the_revoke_reason_and_no_key_form(
    english, holder, grant, key, organiser
):
    revoke_data_grant(grant, reason="Charte non respectée", actor=organiser)
    login(english, holder)

    page = english.get(access_list()).content.decode()

    assert "Reason: Charte non respectée</div>" in page
    assert page.count('<span class="badge badge-danger">Revoked</span>') == 2
    assert reverse("access:key_create", kwargs={"pk": grant.pk}) not in page
    assert reverse("access:key_rotate", kwargs={"pk": key.pk}) not in page


def test_access_list_shows_keys_with_prefix_and_replacement(english, holder, key):
    new_key, _token = rotate_api_key(key, actor=holder)
    login(english, holder)

    page = english.get(access_list()).content.decode()

    assert page.count(f"<code>obk_{new_key.prefix}_…</code>") == 2  # key, replaced by
    assert f'<td data-label="Key"><code>obk_{key.prefix}_…</code></td>' in page
    assert '<span class="badge badge-warning">Replaced, still works</span>' in page
    assert TOKEN_RE.search(page) is None


@pytest.mark.parametrize("size", [1, 4])
def test_access_list_query_count_does_not_grow_with_rows(
    client, holder, datasets, organiser, django_assert_num_queries, size
):
    for index in range(size):
        grant = make_grant(holder, datasets, organiser, project=f"Projet {index}")
        issue_api_key(grant, name="a", actor=holder)
        issue_api_key(grant, name="b", actor=holder)
    login(client, holder)

    # the session with its user, grants, their datasets, their keys with replacements,
    # the keys' usage, the charter in force and the projects' signatures
    with django_assert_num_queries(7):
        response = client.get(ACCESS_LIST)

    assert len(response.context["grants"]) == size


# --- a key shown once, working, revoked ------------------------------------


def test_created_key_is_shown_once_and_reads_15min_values(
    english,
    holder,
    october_day,  # noqa: F811
    organiser,
):
    grant = make_grant(holder, [october_day["pedestrians"]], organiser)
    login(english, holder)

    created = create_key(english, grant, name="serveur de prod")
    response = english.get(created["Location"])

    assert created["Location"] == reverse(
        "access:key_token", kwargs={"pk": ApiKey.objects.get().pk}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    tokens = token_in(response)
    assert len(set(tokens)) == 1
    token = tokens[0]
    key = ApiKey.objects.get()
    assert token.startswith(f"obk_{key.prefix}_")
    page = response.content.decode()
    assert "<strong>Copy this key now: it will not be shown again.</strong>" in page
    assert f'<pre><code id="api-token">{token}</code></pre>' in page
    assert (
        f'<pre><code>curl -H "Authorization: Bearer {token}" '
        '"http://testserver/api/v1/readings/?dataset=pedestrian-flows&amp;'
        'interval=15min"</code></pre>'
    ) in page
    # Nowhere else: not in the session, not in the list page.
    assert token not in str(dict(english.session.items()))
    assert token not in english.get(access_list()).content.decode()

    api = english.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION="Bearer " + token)

    assert api.status_code == 200
    results = api.json()["results"]
    assert len(results) == 96
    assert results[0]["value"] == 1.0


def test_key_page_shows_the_secret_once_and_a_reload_only_says_so(
    english, holder, grant
):
    login(english, holder)
    created = create_key(english, grant, name="serveur de prod")
    key = ApiKey.objects.get()

    first = english.get(created["Location"])
    reload = english.get(created["Location"], follow=True)

    assert len(set(token_in(first))) == 1
    # The signed session cookie only ever held a random handle.
    assert token_in(first)[0] not in str(english.cookies)
    assert reload.redirect_chain == [(access_list(), 302)]
    page = reload.content.decode()
    assert token_in(reload) == []
    assert (
        f"The key obk_{key.prefix}_… was shown once and cannot be shown again. "
        "If you did not copy it, revoke it and create another."
    ) in page
    assert ApiKey.objects.count() == 1


def test_key_page_of_another_key_never_shows_the_secret(english, holder, grant):
    login(english, holder)
    create_key(english, grant, name="serveur de prod")
    other = issue_api_key(grant, name="tableau de bord", actor=holder)[0]

    response = english.get(reverse("access:key_token", kwargs={"pk": other.pk}))

    assert response.status_code == 302
    assert response["Location"] == access_list()
    # The handle is spent: the first key's secret is gone too.
    first = ApiKey.objects.exclude(pk=other.pk).get()
    again = english.get(reverse("access:key_token", kwargs={"pk": first.pk}))
    assert again["Location"] == access_list()


def test_key_page_answers_only_the_holder(client, other_user, key):
    client.force_login(other_user)

    response = client.get(reverse("access:key_token", kwargs={"pk": key.pk}))

    assert response.status_code == 404


def test_key_revoked_through_the_page_answers_401(
    english,
    holder,
    october_day,  # noqa: F811
    organiser,
    django_capture_on_commit_callbacks,
):
    grant = make_grant(holder, [october_day["pedestrians"]], organiser)
    login(english, holder)
    token = token_in(created_key_page(english, grant))[0]
    key = ApiKey.objects.get()
    assert (
        english.get(
            READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION="Bearer " + token
        ).status_code
        == 200
    )
    # The API request above activated French in this thread (its default).
    with translation.override("en"):
        url = reverse("access:key_revoke", kwargs={"pk": key.pk})
    confirm = english.get(url).content.decode()
    assert f"Revoke the key “serveur de prod” (obk_{key.prefix}_…)?" in confirm
    assert f'<form method="post" action="{url}"' in confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(url)

    assert response.status_code == 302
    assert response["Location"] == access_list()
    key.refresh_from_db()
    assert key.revoked_at is not None
    api = english.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION="Bearer " + token)
    assert api.status_code == 401


def test_rotation_shows_the_new_key_once_and_the_old_one_still_works(
    english,
    holder,
    october_day,  # noqa: F811
    organiser,
):
    grant = make_grant(holder, [october_day["pedestrians"]], organiser)
    login(english, holder)
    old_token = token_in(created_key_page(english, grant))[0]
    old = ApiKey.objects.get()

    rotated = english.post(reverse("access:key_rotate", kwargs={"pk": old.pk}))
    response = english.get(rotated["Location"])

    assert rotated.status_code == 302
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new = ApiKey.objects.exclude(pk=old.pk).get()
    new_token = token_in(response)[0]
    assert new_token.startswith(f"obk_{new.prefix}_")
    assert old_token not in response.content.decode()
    old.refresh_from_db()
    assert old.replaced_by == new
    local = timezone.localtime(old.expires_at)
    # "2 Dec. 2026 00:59": the month as Django abbreviates it in English.
    with translation.override("en"):
        shown = formats.date_format(local, "j N Y H:i")
    assert (
        f"The old key obk_{old.prefix}_… still works until "
        f"{shown}: deploy the new one before then."
    ) in response.content.decode()
    for token in (old_token, new_token):
        api = english.get(READINGS, ONE_DAY_15MIN, HTTP_AUTHORIZATION="Bearer " + token)
        assert api.status_code == 200


def test_create_key_without_a_name_says_so(english, holder, grant):
    login(english, holder)

    response = create_key(english, grant, name="  ")

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        f'<ul class="errorlist" id="id_grant{grant.pk}_name_error"><li>Name the key '
        "(where it is used, for instance).</li></ul>"
    ) in page
    assert 'aria-invalid="true"' in page
    assert ApiKey.objects.count() == 0


def test_create_key_past_the_limit_keeps_the_typed_name(english, holder, grant):
    for number in range(5):
        issue_api_key(grant, name=f"clé {number}", actor=holder)
    login(english, holder)

    response = create_key(english, grant, name="tableau de bord")

    assert response.status_code == 400
    page = response.content.decode()
    assert "5 keys are active already: revoke one first." in page
    assert 'value="tableau de bord"' in page
    assert ApiKey.objects.count() == 5


def test_create_key_on_a_revoked_grant_is_refused(english, holder, grant, organiser):
    revoke_data_grant(grant, reason="Fin du projet", actor=organiser)
    login(english, holder)

    response = create_key(english, grant)

    assert response.status_code == 400
    assert "This access has ended: no new key." in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_token_page_never_answers_a_get(client, holder, grant):
    login(client, holder)

    response = client.get(reverse("access:key_create", kwargs={"pk": grant.pk}))

    assert response.status_code == 405


# --- links ---------------------------------------------------------------


def test_account_page_and_api_page_link_to_my_data_access(english, holder):
    login(english, holder)

    dashboard = english.get(reverse("accounts:dashboard")).content.decode()
    started = english.get(reverse("datasets:api_get_started")).content.decode()

    link = f'href="{access_list()}">My data access and API keys</a>'
    assert link in dashboard
    assert link in started


def test_state_badges_agree_in_french(client, holder, key):
    # Une clé est « active », un accès est « actif ».
    login(client, holder)

    page = client.get("/donnees/mes-acces/").content.decode()

    assert '<span class="badge badge-success">Actif</span>' in page
    assert '<span class="badge badge-success">Active</span>' in page
