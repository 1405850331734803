"""The shared progress poller (static/js/progress-poll.js) in a browser: an
organiser's page follows a file being built by the worker (here moved by the
test, as the worker would), then reloads on its end to show the outcome."""

from django.core.files.base import ContentFile
from django.urls import reverse

from applications.jury.models import Dossier
from tests.applications.factories import CallFactory
from tests.workshops.wafter_factories import make_workshop
from workshops.models import CertificateRun

PASSWORD = "correct-horse-battery"


def _sign_in(portal, path):
    page = portal.page
    page.goto(portal.url(f"/comptes/login/?next={path}"))
    page.locator("#id_login").fill("claire@example.org")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Connexion").click()
    return page


def _bar_value(page, value):
    page.wait_for_function(
        "v => document.querySelector('[data-progress-bar]').value === v", arg=value
    )


def test_certificates_page_follows_the_counts_then_shows_the_failure(portal, organiser):
    workshop = make_workshop("atelier-vie-privee", title="Vie privée dès la conception")
    run = CertificateRun.objects.create(
        workshop=workshop, state="running", total=300, done=75
    )
    path = reverse("workshops_bo:certificates", kwargs={"slug": workshop.slug})
    page = _sign_in(portal, path)
    count = page.locator("[data-progress-count]")
    assert count.inner_text() == "75 sur 300"

    CertificateRun.objects.filter(pk=run.pk).update(done=150)
    _bar_value(page, 50)
    assert count.inner_text() == "150 sur 300"
    assert page.locator("[data-progress-bar]").text_content() == "50\u202f%"
    assert page.locator("[data-progress-state]").inner_text() == "En cours"

    CertificateRun.objects.filter(pk=run.pk).update(
        state="failed", error="Disque plein"
    )
    page.get_by_role("alert").filter(has_text="Disque plein").wait_for()
    assert page.locator("[data-progress-bar]").count() == 0
    assert page.locator("[data-progress-state]").inner_text() == "Échec"
    assert portal.axe_violations() == []


def test_dossier_page_follows_the_percentage_then_offers_the_file(
    portal, organiser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call = CallFactory(slug="ami-vues")
    dossier = Dossier.objects.create(call=call, state="running", progress=40)
    page = _sign_in(portal, reverse("jury_bo:dossiers", kwargs={"slug": call.slug}))
    assert page.locator("[data-progress-percent]").inner_text() == "40\u202f%"

    Dossier.objects.filter(pk=dossier.pk).update(progress=70)
    _bar_value(page, 70)
    assert page.locator("[data-progress-percent]").inner_text() == "70\u202f%"

    dossier.file.save("ami-vues-dossier.zip", ContentFile(b"PK"), save=False)
    Dossier.objects.filter(pk=dossier.pk).update(
        state="done", progress=100, file=dossier.file.name
    )
    page.get_by_role("link", name="Télécharger le ZIP").wait_for()
    assert page.locator("[data-progress-bar]").count() == 0
    assert page.locator("[data-progress-state]").inner_text() == "Terminé"
    assert portal.axe_violations() == []
