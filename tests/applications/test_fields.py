"""The registry of the application's fields and everything built from it: the
form, the completeness check, the frozen content, the receipt PDF, the CSV and
the back-office page. People read labels, never the stored codes."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications import fields as registry
from applications.enums import ApplicationState, Granularity, QuestionKind
from applications.forms import ApplicationForm
from applications.models import Application, Submission
from applications.services import (
    application_content,
    completeness_problems,
    content_fingerprint,
)
from tests.applications.factories import (
    COMPLETE_FIELDS,
    ApplicationFactory,
    AttachmentFactory,
    CallFactory,
    DatasetFactory,
    ExtraQuestionFactory,
    RequestedDatasetFactory,
    SubmissionFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.applications.test_autosave import autosave

S = ApplicationState
SHA = "ab" * 32


# --- The registry ---------------------------------------------------------------------


def test_registry_names_every_editable_field_of_the_model():
    # A field added to Application without its entry in the registry fails here:
    # the form, the check, the receipt and the exports would all miss it.
    model_fields = {
        field.name
        for field in Application._meta.get_fields()
        if field.concrete and not field.auto_created and field.editable
    }
    assert sorted(model_fields - set(registry.FIELDS)) == []


def test_registry_scalar_fields_are_model_fields():
    for item in registry.CONTENT_FIELDS:
        if item.is_scalar:
            assert Application._meta.get_field(item.name).concrete, item.name


def test_registry_content_fields_in_order():
    assert [
        (item.section, item.name, item.kind.value) for item in registry.CONTENT_FIELDS
    ] == [
        ("organisation", "organisation_name", "text"),
        ("organisation", "applicant_type", "choice"),
        ("organisation", "siret", "siret"),
        ("organisation", "website", "url"),
        ("team", "team", "team"),
        ("project", "title", "text"),
        ("project", "summary", "long_text"),
        ("project", "themes", "multiple_choice"),
        ("project", "problem", "long_text"),
        ("project", "proposed_service", "long_text"),
        ("project", "target_users", "long_text"),
        ("datasets", "requested_datasets", "datasets"),
        ("responsibility", "privacy_safeguards", "long_text"),
        ("responsibility", "ai_use", "long_text"),
        ("collaboration", "co_construction_plan", "long_text"),
        ("impact", "expected_impact", "long_text"),
        ("impact", "impact_indicators", "indicators"),
        ("feasibility", "maturity", "choice"),
        ("feasibility", "milestones", "long_text"),
        ("feasibility", "sustainability", "long_text"),
        ("questions", "extra_answers", "questions"),
        ("attachments", "attachments", "files"),
        ("declarations", "accepts_charter", "boolean"),
        ("declarations", "charter_version", "text"),
        ("declarations", "accepts_privacy_notice", "boolean"),
        ("declarations", "certifies_accuracy", "boolean"),
    ]


def test_registry_required_fields():
    assert [item.name for item in registry.CONTENT_FIELDS if item.required] == [
        "organisation_name",
        "applicant_type",
        "title",
        "summary",
        "themes",
        "problem",
        "proposed_service",
        "target_users",
        "requested_datasets",
        "privacy_safeguards",
        "ai_use",
        "co_construction_plan",
        "expected_impact",
        "impact_indicators",
        "maturity",
        "milestones",
        "sustainability",
        "attachments",
        "accepts_charter",
        "accepts_privacy_notice",
        "certifies_accuracy",
    ]


# --- A rich application ---------------------------------------------------------------


@pytest.fixture
def call(db):
    return CallFactory(
        slug="ami-2026",
        datasets=[
            DatasetFactory(
                slug="pedestrian-flows",
                name_fr="Flux piétons",
                name_en="Pedestrian flows",
                position=1,
            ),
            DatasetFactory(
                slug="parking-occupancy",
                name_fr="Occupation du stationnement",
                name_en="Parking occupancy",
                position=2,
            ),
        ],
    )


@pytest.fixture
def questions(call):
    return {
        "tested": ExtraQuestionFactory(
            call=call,
            kind=QuestionKind.YES_NO,
            label_fr="Avez-vous déjà testé le service dans le quartier ?",
            label_en="Have you already tested the service in the neighbourhood?",
            position=1,
        ),
        "size": ExtraQuestionFactory(
            call=call,
            kind=QuestionKind.SINGLE_CHOICE,
            label_fr="Taille de l’équipe",
            label_en="Size of the team",
            choices=[
                {
                    "value": "small",
                    "label_fr": "Moins de cinq personnes",
                    "label_en": "Fewer than five people",
                },
                {"value": "large", "label_fr": "Cinq ou plus", "label_en": "Five+"},
            ],
            position=2,
        ),
        "budget": ExtraQuestionFactory(
            call=call,
            kind=QuestionKind.NUMBER,
            label_fr="Budget prévu (euros)",
            label_en="Planned budget (euros)",
            position=3,
        ),
    }


@pytest.fixture
def application(call, questions):
    lead = UserFactory(email="lea@example.org", full_name="Léa Dupont")
    application = ApplicationFactory(
        call=call,
        reference="AMI2-0042",
        state=S.SUBMITTED,
        created_by=lead,
        **{
            **COMPLETE_FIELDS,
            "extra_answers": {
                str(questions["tested"].pk): "no",
                str(questions["size"].pk): "small",
                str(questions["budget"].pk): 12500.5,
            },
        },
    )
    TeamMemberFactory(
        application=application,
        user=UserFactory(email="samir@example.org", full_name="Samir Benali"),
        job_title="Développeur",
    )
    pedestrians, parking = call.datasets.order_by("position")
    RequestedDatasetFactory(
        application=application,
        dataset=pedestrians,
        purpose="Compter les passants devant les aires de livraison.",
        granularity=Granularity.QUARTER_HOUR,
    )
    RequestedDatasetFactory(
        application=application,
        dataset=parking,
        purpose="Savoir quelles aires sont libres.",
        granularity=Granularity.HOUR,
    )
    AttachmentFactory(
        application=application,
        original_name="pitch-livraisons.pdf",
        size=19913,
        sha256=SHA,
    )
    return application


def test_frozen_content_keeps_codes(application, questions):
    content = application_content(application)
    assert content == {
        "reference": "AMI2-0042",
        "call": "ami-2026",
        "organisation": {
            "name": "Batignolles Lab",
            "type": "startup",
            "siret": "73282932000074",
            "website": "https://batignolles-lab.example.org",
        },
        "team": [
            {
                "name": "Samir Benali",
                "email": "samir@example.org",
                "role": "member",
                "job_title": "Développeur",
            },
            {
                "name": "Léa Dupont",
                "email": "lea@example.org",
                "role": "lead",
                "job_title": "Cheffe de projet",
            },
        ],
        "project": {
            "title": "Places de livraison en temps réel",
            "summary": (
                "Indiquer aux livreurs les places de livraison libres rue Legendre."
            ),
            "themes": ["mobility", "parking"],
            "problem": "Les livreurs stationnent en double file faute de place libre.",
            "proposed_service": (
                "Une carte des places de livraison libres, mise à jour."
            ),
            "target_users": "Livreurs, commerçants, habitants.",
            "privacy_safeguards": "Agrégats seulement, aucune plaque, aucun suivi.",
            "ai_use": "Aucune IA.",
            "co_construction_plan": "Ateliers avec les commerçants de la rue Legendre.",
            "expected_impact": "Moins de double file.",
            "impact_indicators": [
                "Taux de double file aux heures de livraison",
                "Temps moyen de recherche d'une place",
            ],
            "maturity": "prototype",
            "milestones": "Octobre : prototype. Décembre : test. Février : DemoDay.",
            "sustainability": "Abonnement des transporteurs.",
        },
        "requested_datasets": [
            {
                "slug": "pedestrian-flows",
                "name": "Flux piétons",
                "purpose": "Compter les passants devant les aires de livraison.",
                "granularity": "15min",
            },
            {
                "slug": "parking-occupancy",
                "name": "Occupation du stationnement",
                "purpose": "Savoir quelles aires sont libres.",
                "granularity": "hour",
            },
        ],
        "extra_answers": [
            {
                "question": questions["tested"].pk,
                "label": "Avez-vous déjà testé le service dans le quartier ?",
                "kind": "yes_no",
                "answer": "no",
            },
            {
                "question": questions["size"].pk,
                "label": "Taille de l’équipe",
                "kind": "single_choice",
                "answer": "small",
            },
            {
                "question": questions["budget"].pk,
                "label": "Budget prévu (euros)",
                "kind": "number",
                "answer": 12500.5,
            },
        ],
        "attachments": [
            {
                "name": "pitch-livraisons.pdf",
                "size": 19913,
                "sha256": SHA,
                "pitch_deck": True,
                "question": None,
            }
        ],
        "declarations": {
            "accepts_charter": True,
            "charter_version": "1.0",
            "accepts_privacy_notice": True,
            "certifies_accuracy": True,
        },
    }


def test_frozen_content_is_the_same_with_prefetched_rows(application):
    prefetched = Application.objects.prefetch_related(
        "team__user", "requested_datasets__dataset", "attachments"
    ).get(pk=application.pk)
    assert content_fingerprint(application_content(prefetched)) == (
        content_fingerprint(application_content(application))
    )


# --- What a person reads --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("applicant_type", "research_lab", "Laboratoire de recherche"),
        ("maturity", "idea", "Idée"),
        ("themes", ["parking", "mobility"], "Occupation du stationnement, Mobilité"),
        # A code no longer offered, in an old snapshot, is shown as stored.
        ("themes", ["retired-theme"], "retired-theme"),
        ("accepts_charter", True, "Oui"),
        ("accepts_charter", False, "Non"),
        ("accepts_charter", None, "—"),
        ("website", "", "—"),
        ("siret", None, "—"),
        (
            "impact_indicators",
            ["Bruit nocturne", "", "Plaintes"],
            "Bruit nocturne\nPlaintes",
        ),
        (
            "requested_datasets",
            [
                {"name": "Flux piétons", "purpose": "Compter", "granularity": "15min"},
                {"name": "Niveau sonore", "purpose": "", "granularity": "hour"},
                {"name": "Gradation", "purpose": "Éclairer", "granularity": "day"},
            ],
            "Flux piétons (15 minutes) · Compter\n"
            "Niveau sonore (Horaire) · —\n"
            "Gradation (Journalière) · Éclairer",
        ),
        (
            "attachments",
            [
                {
                    "name": "deck.pdf",
                    "size": 19913,
                    "sha256": "f00d",
                    "pitch_deck": True,
                },
                {"name": "lettre.pdf", "size": 2048, "pitch_deck": False},
            ],
            "deck.pdf (19,4\xa0Ko) · présentation du projet · SHA-256 f00d\n"
            "lettre.pdf (2,0\xa0Ko)",
        ),
        (
            "team",
            [
                {
                    "name": "Léa Dupont",
                    "email": "lea@example.org",
                    "role": "lead",
                    "job_title": "Cheffe de projet",
                },
                {"name": "", "email": "samir@example.org", "role": "member"},
            ],
            "Léa Dupont (lea@example.org) · Porteur principal · Cheffe de projet\n"
            "samir@example.org · Co-porteur",
        ),
        (
            "submitted_at",
            datetime.datetime(2026, 2, 10, 17, 5, tzinfo=datetime.UTC),
            "10/02/2026 18:05",
        ),
        ("submitted_at", "2025-07-21T08:00:00+00:00", "21/07/2025 10:00"),
        ("submitted_at", "2025-13-45T08:00:00", "—"),
        ("submitted_at", "hier", "—"),
        ("state", "waiting_list", "Liste d’attente"),
        ("version", 12, "12"),
        # Hostile stored data is shown, never a crash.
        ("requested_datasets", "not a list", "not a list"),
        ("maturity", ["a", "list"], "['a', 'list']"),
    ],
)
def test_readable_gives_words_not_codes(name, value, expected):
    assert registry.readable(registry.field(name), value) == expected


@pytest.mark.django_db
def test_readable_answers_of_the_call_questions(questions):
    by_id = {question.pk: question for question in questions.values()}
    value = [
        {"question": questions["tested"].pk, "kind": "yes_no", "answer": "no"},
        {"question": questions["size"].pk, "kind": "single_choice", "answer": "small"},
        {"question": questions["budget"].pk, "kind": "number", "answer": 12500.5},
        {
            "question": 999999,
            "label": "Question retirée",
            "kind": "yes_no",
            "answer": "yes",
        },
        {
            "question": 999998,
            "label": "Sans réponse",
            "kind": "long_text",
            "answer": None,
        },
    ]
    assert registry.question_rows(value, questions=by_id) == [
        ("Avez-vous déjà testé le service dans le quartier ?", "Non"),
        ("Taille de l’équipe", "Moins de cinq personnes"),
        ("Budget prévu (euros)", "12500,5"),
        ("Question retirée", "Oui"),
        ("Sans réponse", "—"),
    ]
    with translation.override("en"):
        assert registry.question_rows(value[:2], questions=by_id) == [
            ("Have you already tested the service in the neighbourhood?", "No"),
            ("Size of the team", "Fewer than five people"),
        ]


# --- Completeness, driven by the registry ---------------------------------------------


def complete(call, **changes):
    application = ApplicationFactory(call=call, **{**COMPLETE_FIELDS, **changes})
    RequestedDatasetFactory(application=application, dataset=call.datasets.first())
    AttachmentFactory(application=application)
    return application


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        (
            {"organisation_name": "  "},
            [("organisation_name", "Le nom de la structure manque.")],
        ),
        (
            {"applicant_type": ""},
            [
                (
                    "applicant_type",
                    "Choisissez un type de porteur parmi ceux que l’appel accepte.",
                )
            ],
        ),
        ({"siret": "123"}, [("siret", "Un numéro SIRET compte 14 chiffres.")]),
        (
            {"website": "pas une adresse"},
            [("website", "L’adresse du site web n’est pas valide (https://...).")],
        ),
        ({"title": ""}, [("title", "Le titre du projet manque.")]),
        (
            {"summary": "x" * 501},
            [("summary", "Le résumé fait 501 caractères\u202f; la limite est de 500.")],
        ),
        ({"themes": []}, [("themes", "Choisissez au moins une thématique.")]),
        ({"target_users": ""}, [("target_users", "Les utilisateurs cibles manquent.")]),
        (
            {"ai_use": ""},
            [("ai_use", "Dites si vous utilisez l’IA (et comment c’est expliqué).")],
        ),
        (
            {"impact_indicators": ["Un seul"]},
            [("impact_indicator_1", "Donnez au moins deux indicateurs d’impact.")],
        ),
        ({"maturity": ""}, [("maturity", "Choisissez la maturité du projet.")]),
        (
            {"sustainability": ""},
            [("sustainability", "La pérennité du projet manque.")],
        ),
        (
            {"charter_version": "0.9"},
            [("accepts_charter", "Acceptez la charte des données (version 1.0).")],
        ),
        (
            {"certifies_accuracy": False},
            [("certifies_accuracy", "Certifiez l’exactitude des informations.")],
        ),
        (
            {"title": "", "milestones": "", "accepts_privacy_notice": False},
            [
                ("title", "Le titre du projet manque."),
                ("milestones", "Les jalons jusqu’au DemoDay manquent."),
                (
                    "accepts_privacy_notice",
                    "Confirmez avoir lu la politique de protection des données "
                    "personnelles.",
                ),
            ],
        ),
    ],
)
def test_completeness_field_by_field(call, changes, expected):
    application = complete(call, **changes)
    assert [
        (name, str(message)) for name, message in completeness_problems(application)
    ] == expected


def test_completeness_of_related_rows_and_questions(call):
    question = ExtraQuestionFactory(call=call, label_fr="Votre quartier ?")
    application = ApplicationFactory(call=call, **COMPLETE_FIELDS)
    row = RequestedDatasetFactory(
        application=application,
        dataset=call.datasets.get(slug="pedestrian-flows"),
        purpose=" ",
    )
    assert [(n, str(m)) for n, m in completeness_problems(application)] == [
        (
            f"dataset_{row.dataset_id}_purpose",
            "Dites ce que vous ferez du jeu de données «\u00a0Flux piétons\u00a0».",
        ),
        (
            f"extra_{question.pk}",
            "Répondez à la question «\u00a0Votre quartier ?\u00a0».",
        ),
        ("pitch_deck", "Joignez la présentation du projet (PDF)."),
    ]
    row.delete()
    assert [(n, str(m)) for n, m in completeness_problems(application)][0] == (
        "datasets",
        "Choisissez au moins un jeu de données dont vous avez besoin.",
    )


# --- The form -------------------------------------------------------------------------


def test_form_sections_and_inputs_come_from_the_registry(application, questions):
    form = ApplicationForm(application)
    pedestrians, parking = application.call.datasets.order_by("position")
    walk, park = pedestrians.pk, parking.pk
    assert [(s["key"], s["names"]) for s in form.sections] == [
        ("organisation", ["organisation_name", "applicant_type", "siret", "website"]),
        (
            "project",
            [
                "title",
                "summary",
                "themes",
                "problem",
                "proposed_service",
                "target_users",
            ],
        ),
        (
            "datasets",
            [
                f"dataset_{walk}",
                f"dataset_{walk}_purpose",
                f"dataset_{walk}_granularity",
                f"dataset_{park}",
                f"dataset_{park}_purpose",
                f"dataset_{park}_granularity",
            ],
        ),
        ("responsibility", ["privacy_safeguards", "ai_use"]),
        ("collaboration", ["co_construction_plan"]),
        (
            "impact",
            [
                "expected_impact",
                "impact_indicator_1",
                "impact_indicator_2",
                "impact_indicator_3",
            ],
        ),
        ("feasibility", ["maturity", "milestones", "sustainability"]),
        (
            "questions",
            [f"extra_{questions[key].pk}" for key in ("tested", "size", "budget")],
        ),
        (
            "declarations",
            ["accepts_charter", "accepts_privacy_notice", "certifies_accuracy"],
        ),
    ]
    assert str(form.fields["accepts_charter"].label) == (
        "J’accepte la charte des données (version 1.0)"
    )
    assert form.fields["summary"].widget.attrs["maxlength"] == 500
    assert form.initial["impact_indicator_2"] == "Temps moyen de recherche d'une place"


# --- The receipt PDF ------------------------------------------------------------------


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ")


def test_receipt_pdf_reads_labels_never_codes(client, application):
    submission = SubmissionFactory(application=application, number=1)
    client.force_login(application.created_by)

    response = client.get(reverse("applications:receipt", args=["AMI2-0042", 1]))

    assert response.status_code == 200
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert (
        "Flux piétons (15 minutes) · Compter les passants devant les aires "
        "de livraison." in flat
    )
    assert (
        "Occupation du stationnement (Horaire) · Savoir quelles aires sont libres."
        in flat
    )
    assert "Avez-vous déjà testé le service dans le quartier ? Non" in flat
    assert "Taille de l’équipe Moins de cinq personnes" in flat
    assert "pitch-livraisons.pdf (19,4 Ko) · présentation du projet" in flat
    assert "Maturité Prototype" in flat
    assert "Type de porteur Start-up" in flat
    assert "Thématiques Mobilité, Occupation du stationnement" in flat
    assert "Je certifie l’exactitude des informations Oui" in flat
    assert submission.sha256 in text.replace("\n", "")
    # (the milestones' own text says "prototype": the maturity reads "Prototype")
    for code in ("15min", "19913", "startup", "small"):
        assert code not in flat
    assert re.search(r"\b(no|hour|yes)\b", flat) is None


def test_receipt_pdf_of_an_old_snapshot_reads_labels(client, application):
    # A snapshot frozen before some fields existed: what it lacks reads "—".
    Submission.objects.create(
        application=application,
        number=1,
        content={
            "reference": "AMI2-0042",
            "project": {"title": "Ancien titre", "maturity": "idea"},
            "requested_datasets": [
                {"name": "Niveau sonore", "purpose": "Nuit", "granularity": "hour"}
            ],
            "attachments": [{"name": "ancien.pdf", "size": 19913, "pitch_deck": True}],
            "declarations": {"accepts_charter": False},
        },
        sha256="0" * 64,
    )
    client.force_login(application.created_by)

    response = client.get(reverse("applications:receipt", args=["AMI2-0042", 1]))

    flat = " ".join(pdf_text(response.content).split())
    assert "Ancien titre" in flat
    assert "Maturité Idée" in flat
    assert "Niveau sonore (Horaire) · Nuit" in flat
    assert "ancien.pdf (19,4 Ko) · présentation du projet" in flat
    assert "J’accepte la charte des données Non" in flat
    assert "Nom de la structure —" in flat
    assert "19913" not in flat
    assert re.search(r"\b(hour|idea)\b", flat) is None


def test_french_receipt_download_serves_the_stored_pdf_without_rendering(
    client, application
):
    from applications.pdf import RENDERS
    from applications.services.pdfs import submission_pdf

    submission = SubmissionFactory(application=application, number=1)
    submission_pdf(submission)
    submission.refresh_from_db()
    with submission.pdf.open("rb") as handle:
        stored = handle.read()
    renders = RENDERS["application"]
    client.force_login(application.created_by)

    response = client.get(reverse("applications:receipt", args=["AMI2-0042", 1]))

    assert response.status_code == 200
    assert response.content == stored
    assert RENDERS["application"] == renders
    assert "Nom de la structure" in pdf_text(response.content)


def test_english_receipt_download_is_still_in_english(client, application):
    from applications.services.pdfs import submission_pdf

    submission = SubmissionFactory(application=application, number=1)
    submission_pdf(submission)
    client.force_login(application.created_by)
    with translation.override("en"):
        url = reverse("applications:receipt", args=["AMI2-0042", 1])

    response = client.get(url)

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Organisation name" in text
    assert "Nom de la structure" not in text


# --- The CSV --------------------------------------------------------------------------


def export_rows(client, call, path_prefix=""):
    url = reverse("applications_bo:application_export", kwargs={"slug": call.slug})
    response = client.get(path_prefix + url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_header_is_the_registry_labels_in_english(organiser_client, application):
    with translation.override("en"):
        url = reverse("applications_bo:application_export", kwargs={"slug": "ami-2026"})
    response = organiser_client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8")
    header = next(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert header == [
        "Reference",
        "State",
        "Submitted at",
        "Last saved at",
        "Lead",
        "Lead's email",
        "Organisation name",
        "Applicant type",
        "SIRET",
        "Website",
        "Team",
        "Project title",
        "Short summary",
        "Themes",
        "The residents' problem",
        "The proposed service",
        "Target users",
        "Requested datasets",
        "Privacy and re-identification safeguards",
        "Use of AI and how it is explained",
        "Co-construction plan",
        "Expected impact",
        "Impact indicators",
        "Maturity",
        "Milestones to the DemoDay",
        "Sustainability",
        "Have you already tested the service in the neighbourhood?",
        "Size of the team",
        "Planned budget (euros)",
        "Attachments",
        "I accept the data charter",
        "Version of the charter accepted",
        "I have read the privacy notice",
        "I certify the information is accurate",
        "Reason for inadmissibility",
        "Feedback to the team",
    ]


def test_csv_cells_are_words_not_codes(organiser_client, call, application):
    application.submitted_at = datetime.datetime(
        2026, 2, 10, 17, 5, tzinfo=datetime.UTC
    )
    application.save(update_fields=["submitted_at"])

    header, row = export_rows(organiser_client, call)

    cells = dict(zip(header, row, strict=True))
    assert cells["Référence"] == "AMI2-0042"
    assert cells["État"] == "Déposée"
    assert cells["Déposée le"] == "10/02/2026 18:05"
    assert cells["Porteur principal"] == "Léa Dupont"
    assert cells["Courriel du porteur principal"] == "lea@example.org"
    assert cells["Type de porteur"] == "Start-up"
    assert cells["Thématiques"] == "Mobilité, Occupation du stationnement"
    assert cells["Jeux de données demandés"] == (
        "Flux piétons (15 minutes) · Compter les passants devant les aires de "
        "livraison.\nOccupation du stationnement (Horaire) · Savoir quelles aires "
        "sont libres."
    )
    assert cells["Maturité"] == "Prototype"
    assert cells["Avez-vous déjà testé le service dans le quartier ?"] == "Non"
    assert cells["Taille de l’équipe"] == "Moins de cinq personnes"
    assert cells["Budget prévu (euros)"] == "12500,5"
    assert cells["Pièces jointes"] == (
        f"pitch-livraisons.pdf (19,4\xa0Ko) · présentation du projet · SHA-256 {SHA}"
    )
    assert cells["J’accepte la charte des données"] == "Oui"
    assert cells["Motif d’irrecevabilité"] == "—"
    for code in ("15min", "hour", "startup", "prototype", "no", "small", "19913"):
        assert code not in row


def test_csv_cells_never_run_as_formulas(organiser_client, call, application):
    application.organisation_name = '=HYPERLINK("https://evil.example","clic")'
    application.title = "-2+3"
    application.siret = "-12"
    application.save(update_fields=["organisation_name", "title", "siret"])

    header, row = export_rows(organiser_client, call)

    cells = dict(zip(header, row, strict=True))
    assert cells["Nom de la structure"] == (
        '\'=HYPERLINK("https://evil.example","clic")'
    )
    assert cells["Titre du projet"] == "'-2+3"
    assert cells["SIRET"] == "-12"


def test_csv_export_queries_do_not_grow_with_rows(organiser_client, call, application):
    url = reverse("applications_bo:application_export", kwargs={"slug": call.slug})

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = organiser_client.get(url)
            b"".join(response.streaming_content)
        return len(captured)

    one = count()
    for number in range(3):
        complete(call, reference=f"AMI2-01{number}")
    assert count() == one


# --- The back office ------------------------------------------------------------------


def test_backoffice_page_reads_labels_for_the_submission_and_the_draft(
    organiser_client, call, application
):
    SubmissionFactory(application=application, number=1)

    response = organiser_client.get(
        reverse(
            "applications_bo:application_detail",
            kwargs={"slug": call.slug, "reference": "AMI2-0042"},
        )
    )

    html = response.content.decode()
    frozen, live = (
        response.context["submission_sections"],
        response.context["live_sections"],
    )
    assert frozen == live
    rows = {str(label): text for section in live for label, text in section["rows"]}
    assert rows["Jeux de données demandés"] == (
        "Flux piétons (15 minutes) · Compter les passants devant les aires de "
        "livraison.\nOccupation du stationnement (Horaire) · Savoir quelles aires "
        "sont libres."
    )
    assert rows["Avez-vous déjà testé le service dans le quartier ?"] == "Non"
    assert rows["Pièces jointes"] == (
        f"pitch-livraisons.pdf (19,4\xa0Ko) · présentation du projet · SHA-256 {SHA}"
    )
    assert rows["Maturité"] == "Prototype"
    assert rows["Type de porteur"] == "Start-up"
    assert "<dt>Maturité</dt><dd>Prototype</dd>" in html
    assert "19913 o" not in html
    assert "(15min)" not in html
    assert "<dd>no</dd>" not in html
    assert [str(section["title"]) for section in live] == [
        "Structure",
        "Équipe",
        "Projet",
        "Jeux de données demandés",
        "Vie privée et IA",
        "Co-construction",
        "Impact",
        "Maturité, jalons et pérennité",
        "Questions de l’appel",
        "Pièces jointes",
        "Déclarations",
    ]


def test_backoffice_page_survives_a_hostile_snapshot(
    organiser_client, call, application
):
    Submission.objects.create(
        application=application,
        number=1,
        content={
            "project": "not a dict",
            "team": "x",
            "organisation": {"type": ["startup"], "siret": {"a": 1}},
            "extra_answers": [{"question": [1], "kind": "yes_no", "answer": {"a": 1}}],
            "attachments": [{"name": "<b>x</b>", "size": "big"}],
            "requested_datasets": [1, {"granularity": ["hour"]}],
            "declarations": "yes",
        },
        sha256="0" * 64,
    )

    response = organiser_client.get(
        reverse(
            "applications_bo:application_detail",
            kwargs={"slug": call.slug, "reference": "AMI2-0042"},
        )
    )

    assert response.status_code == 200
    rows = {
        str(label): text
        for section in response.context["submission_sections"]
        for label, text in section["rows"]
    }
    assert rows["Titre du projet"] == "—"
    assert rows["Équipe"] == "x"
    assert rows["Type de porteur"] == "['startup']"
    assert rows["Pièces jointes"] == "<b>x</b>"
    assert rows["Jeux de données demandés"] == "— (['hour']) · —"
    assert rows["J’accepte la charte des données"] == "—"
    assert "&lt;b&gt;x&lt;/b&gt;" in response.content.decode()


# --- Edit conflicts ---------------------------------------------------------------


def test_edit_conflict_message_reads_words_not_codes(client, application):
    member = application.team.get(role="member").user
    walk = application.call.datasets.get(slug="pedestrian-flows")
    client.force_login(application.created_by)
    first = autosave(
        client,
        application,
        {"themes": ["energy", "mobility"], f"dataset_{walk.pk}_granularity": "day"},
        version=1,
    )
    assert first.status_code == 200

    client.force_login(member)
    second = autosave(
        client,
        application,
        {"themes": ["parking"], f"dataset_{walk.pk}_granularity": "hour"},
        version=1,
    )

    conflicts = second.json()["conflicts"]
    assert second.status_code == 409
    assert conflicts["themes"]["theirs"] == ["energy", "mobility"]
    assert (
        "«\u00a0Gestion de l’énergie, Mobilité\u00a0»" in conflicts["themes"]["message"]
    )
    granularity = conflicts[f"dataset_{walk.pk}_granularity"]
    assert granularity["theirs"] == "day"
    assert "«\u00a0Journalière\u00a0»" in granularity["message"]
