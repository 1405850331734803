"""Journey 1, a project holder: signs up, verifies the email read from the
outbox, passes the eligibility screen, fills the application over two visits
with autosave (closing the page in between), invites a co-applicant who
accepts, uploads a PDF (a refused file's message in view without scrolling),
submits, and downloads the receipt."""

import io
import re

import pytest
from pypdf import PdfWriter

from applications.models import Application
from portal.outbox.models import OutgoingEmail
from tests.applications.factories import CallFactory
from tests.conftest import make_user

PASSWORD = "Batignolles-2026-bus"


def link_in_last_email(portal, to, pattern):
    email = OutgoingEmail.objects.filter(to=to).order_by("-id").first()
    assert email is not None, f"no email to {to}"
    path = re.search(pattern, email.body).group(1)
    return portal.url(path)


def pdf_file(tmp_path, name):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def wait_saved(page):
    page.locator("#autosave-status").filter(has_text="Enregistré").wait_for()


@pytest.fixture
def call(transactional_db):
    return CallFactory(
        slug="ami-batignolles",
        title_fr="Données des Batignolles : deuxième vague",
        title_en="Batignolles data: second wave",
    )


def test_project_holder_applies_as_a_team_and_gets_a_receipt(portal, call, tmp_path):
    page = portal.page
    axe = {}

    # Sign up, then verify the address from the email in the outbox.
    page.goto(portal.url("/comptes/signup/"))
    page.locator("#id_email").fill("camille.durand@example.org")
    page.get_by_label("Nom complet").fill("Camille Durand")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    axe["signup"] = portal.axe_violations()
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_load_state()
    page.goto(
        link_in_last_email(
            portal, "camille.durand@example.org", r"https?://[^/\s]+(/\S*confirm\S*/)"
        )
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # Eligibility, then the application form.
    page.goto(portal.url("/appels/ami-batignolles/"))
    page.get_by_role("link", name="Candidater à cet appel").click()
    page.locator("#id_applicant_type").select_option("startup")
    page.locator("input[name=uses_dataset][value=yes]").check()
    page.locator("input[name=in_perimeter][value=yes]").check()
    axe["eligibility"] = portal.axe_violations()
    page.get_by_role("button", name="Vérifier et commencer ma candidature").click()
    page.locator("#id_organisation_name").wait_for()
    edit_url = page.url

    # First visit: a few fields, saved by themselves; then the page closes.
    page.locator("#id_organisation_name").fill("Batignolles Lab")
    page.locator("#id_title").fill("Places de livraison en temps réel")
    page.locator("#id_summary").fill(
        "Indiquer aux livreurs les places de livraison libres rue Legendre."
    )
    wait_saved(page)
    axe["form"] = portal.axe_violations()
    portal.screenshot("application-form")
    page.close()

    # Second visit: the text is still there; fill the rest.
    page = portal.page = portal.new_page()
    page.goto(edit_url)
    assert page.locator("#id_title").input_value() == (
        "Places de livraison en temps réel"
    )
    page.get_by_label("Mobilité").check()
    page.locator("#id_problem").fill(
        "Les livreurs stationnent en double file faute de place libre."
    )
    page.locator("#id_proposed_service").fill("Une carte des places libres.")
    page.locator("#id_target_users").fill("Livreurs, commerçants, habitants.")
    page.get_by_label(
        "J’ai besoin du jeu de données «\u00a0Flux piétons\u00a0»"
    ).check()
    page.get_by_label("Ce que vous ferez de «\u00a0Flux piétons\u00a0»").fill(
        "Compter les passages aux heures de livraison."
    )
    page.locator("#id_privacy_safeguards").fill("Agrégats seulement.")
    page.locator("#id_ai_use").fill("Aucune IA.")
    page.locator("#id_co_construction_plan").fill("Ateliers avec les commerçants.")
    page.locator("#id_expected_impact").fill("Moins de double file.")
    page.locator("#id_impact_indicator_1").fill("Taux de double file")
    page.locator("#id_impact_indicator_2").fill("Temps de recherche d'une place")
    page.get_by_label("Prototype").check()
    page.locator("#id_milestones").fill("Février : DemoDay.")
    page.locator("#id_sustainability").fill("Abonnement des transporteurs.")
    page.get_by_label("J’accepte la charte des données").check()
    page.get_by_label("J’ai lu la notice sur les données personnelles").check()
    page.get_by_label("Je certifie l’exactitude des informations").check()
    wait_saved(page)
    application = Application.objects.get()
    assert application.title == "Places de livraison en temps réel"
    assert application.problem == (
        "Les livreurs stationnent en double file faute de place libre."
    )

    # A disguised file is refused, and the message is in view.
    fake = tmp_path / "plaquette.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.locator("#id_file").set_input_files(str(fake))
    page.get_by_role("button", name="Joindre").click()
    refusal = page.locator("#attachments .alert-error")
    refusal.wait_for()
    assert refusal.inner_text().startswith("«\u00a0plaquette.pdf\u00a0» a été refusé")
    assert in_viewport(page, refusal)

    # The pitch deck is accepted.
    page.locator("#id_file").set_input_files(str(pdf_file(tmp_path, "pitch.pdf")))
    page.get_by_label("la présentation du projet").check()
    page.get_by_role("button", name="Joindre").click()
    accepted = page.locator("#attachments .alert-success")
    accepted.wait_for()
    assert accepted.inner_text() == "«\u00a0pitch.pdf\u00a0» est joint."
    assert in_viewport(page, accepted)

    # A co-applicant is invited and accepts, in a browser of her own.
    page.goto(portal.url(f"/appels/candidatures/{application.reference}/equipe/"))
    page.locator("#id_email").fill("lea@example.org")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    axe["team"] = portal.axe_violations()
    invitation = link_in_last_email(
        portal, "lea@example.org", r"https?://[^/\s]+(/\S*invitations/\S+/)"
    )
    make_user("lea@example.org", full_name="Léa Fontaine", password=PASSWORD)
    colleague = portal.context.browser.new_context(base_url=portal.live_server.url)
    other = colleague.new_page()
    other.goto(invitation)
    other.locator("#id_login").fill("lea@example.org")
    other.locator("#id_password").fill(PASSWORD)
    other.get_by_role("button", name="Connexion").click()
    other.get_by_role("button", name="Rejoindre l’équipe").click()
    other.wait_for_load_state()
    colleague.close()
    assert sorted(application.team.values_list("user__email", flat=True)) == [
        "camille.durand@example.org",
        "lea@example.org",
    ]

    # Submit, then download the receipt.
    page.goto(edit_url)
    page.get_by_role("button", name="Enregistrer et vérifier avant de déposer").click()
    axe["submit"] = portal.axe_violations()
    page.get_by_role("button", name="Déposer la candidature").click()
    page.get_by_role("link", name=re.compile("reçu", re.I)).first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("reçu", re.I)).first.click()
    receipt = download.value.path().read_bytes()
    application.refresh_from_db()
    assert application.state == "submitted"
    assert receipt.startswith(b"%PDF")
    axe["detail"] = portal.axe_violations()
    assert {name: v for name, v in axe.items() if v} == {}


def test_autosave_status_stays_in_view_down_the_long_form(portal, call):
    from tests.applications.factories import ApplicationFactory

    lead = make_user(
        "camille.durand@example.org", full_name="Camille Durand", password=PASSWORD
    )
    application = ApplicationFactory(call=call, created_by=lead, title="Trottoirs")
    page = portal.page
    page.goto(portal.url("/comptes/login/"))
    page.locator("#id_login").fill("camille.durand@example.org")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(portal.url(f"/appels/candidatures/{application.reference}/modifier/"))
    status = page.locator("#autosave-status")

    for field in ("#id_milestones", "#id_sustainability"):
        page.locator(field).scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 2000
        assert in_viewport(page, status)
    page.locator("#id_sustainability").fill("Abonnement des transporteurs.")
    wait_saved(page)
    assert in_viewport(page, status)
    # The field brought into view is not hidden under the status.
    field_top = page.locator("#id_sustainability").bounding_box()["y"]
    status_box = status.bounding_box()
    assert field_top >= status_box["y"] + status_box["height"]
    assert portal.overflow() == []
