"""Factories for calls and applications.

Defaults are unsurprising: a call is published and open now (opened ten days
ago, closing in twenty), offers two datasets and requires nothing extra; an
application is a draft with a lead. Use ``make_complete_application`` for an
application that passes every completeness check.
"""

import datetime
import hashlib
import io

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from pypdf import PdfWriter

from applications.enums import (
    ApplicantType,
    ApplicationState,
    Granularity,
    Maturity,
    QuestionKind,
    TeamRole,
    Theme,
)
from applications.models import (
    Application,
    Attachment,
    Call,
    DataCharter,
    ExtraQuestion,
    RequestedDataset,
    Submission,
    TeamInvitation,
    TeamMember,
)
from applications.services import application_content, content_fingerprint
from portal.accounts.models import User
from tests.datasets.factories import DatasetFactory, DtprSheetFactory  # noqa: F401


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        EmailAddress.objects.create(
            user=obj,
            email=obj.email,
            verified=True if extracted is None else bool(extracted),
            primary=True,
        )


class DataCharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataCharter
        django_get_or_create = ("version",)

    version = "1.0"
    text_fr = "# Charte des données\n\nPas de réidentification."
    text_en = "# Data charter\n\nNo re-identification."
    published_on = datetime.date(2025, 7, 1)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open now, offering the pedestrian and parking datasets."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"ami-{n + 2}")
    title_fr = factory.Sequence(lambda n: f"Appel à manifestation d'intérêt {n + 2}")
    title_en = factory.Sequence(lambda n: f"Call for expressions of interest {n + 2}")
    summary_fr = "Des services utiles aux habitants avec les données des capteurs."
    summary_en = "Services useful to residents with the sensors' data."
    text_fr = "## Contexte\n\nLa Mairie du 17e ouvre ses **données**."
    text_en = "## Context\n\nThe Mairie du 17e opens its **data**."
    faq_fr = "### Qui peut candidater ?\n\nToute équipe éligible."
    faq_en = "### Who may apply?\n\nAny eligible team."
    eligible_types = factory.LazyFunction(lambda: [t.value for t in ApplicantType])
    themes = factory.LazyFunction(lambda: [t.value for t in Theme])
    opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=10)
    )
    closes_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=20)
    )
    review_starts_on = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=3)).date()
    )
    review_ends_on = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=30)).date()
    )
    results_on = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=40)).date()
    )
    charter = factory.SubFactory(DataCharterFactory)
    is_published = True

    @factory.post_generation
    def datasets(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [
                DatasetFactory(
                    slug="pedestrian-flows",
                    name_fr="Flux piétons",
                    name_en="Pedestrian flows",
                ),
                DatasetFactory(
                    slug="parking-occupancy",
                    name_fr="Occupation du stationnement",
                    name_en="Parking occupancy",
                ),
            ]
        obj.datasets.set(extracted)


class ExtraQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtraQuestion

    call = factory.SubFactory(CallFactory)
    kind = QuestionKind.SHORT_TEXT
    label_fr = factory.Sequence(lambda n: f"Question {n}")
    label_en = factory.Sequence(lambda n: f"Question {n}")
    required = True
    position = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application with its creator as the team lead."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    reference = factory.Sequence(lambda n: f"TEST-{n + 1:04d}")
    state = ApplicationState.DRAFT
    organisation_name = "Batignolles Lab"
    applicant_type = ApplicantType.STARTUP
    title = factory.Sequence(lambda n: f"Projet {n}")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lead(obj, create, extracted, **kwargs):
        """Pass ``lead=False`` for an application without a team."""
        if not create or extracted is False:
            return
        TeamMember.objects.create(
            application=obj,
            user=extracted or obj.created_by,
            role=TeamRole.LEAD,
            job_title="Cheffe de projet",
        )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.MEMBER
    job_title = "Co-porteur"


class TeamInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamInvitation

    application = factory.SubFactory(ApplicationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    invited_by = factory.LazyAttribute(lambda o: o.application.created_by)


class RequestedDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestedDataset

    application = factory.SubFactory(ApplicationFactory)
    dataset = factory.LazyAttribute(lambda o: o.application.call.datasets.first())
    purpose = "Compter les passages aux heures de marché."
    granularity = Granularity.HOUR


def _blank_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BLANK_PDF = _blank_pdf()


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A real one-page PDF attached as the pitch deck."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    file = factory.django.FileField(filename="upload.pdf", data=BLANK_PDF)
    original_name = "pitch-deck.pdf"
    size = len(BLANK_PDF)
    sha256 = hashlib.sha256(BLANK_PDF).hexdigest()
    is_pitch_deck = True
    uploaded_by = factory.LazyAttribute(lambda o: o.application.created_by)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    application = factory.SubFactory(ApplicationFactory)
    number = factory.Sequence(lambda n: n + 1)
    content = factory.LazyAttribute(lambda o: application_content(o.application))
    sha256 = factory.LazyAttribute(lambda o: content_fingerprint(o.content))
    submitted_by = factory.LazyAttribute(lambda o: o.application.created_by)


COMPLETE_FIELDS = {
    "organisation_name": "Batignolles Lab",
    "applicant_type": ApplicantType.STARTUP,
    "siret": "73282932000074",
    "website": "https://batignolles-lab.example.org",
    "title": "Places de livraison en temps réel",
    "summary": "Indiquer aux livreurs les places de livraison libres rue Legendre.",
    "themes": [Theme.PARKING.value, Theme.MOBILITY.value],
    "problem": "Les livreurs stationnent en double file faute de place libre.",
    "proposed_service": "Une carte des places de livraison libres, mise à jour.",
    "target_users": "Livreurs, commerçants, habitants.",
    "privacy_safeguards": "Agrégats seulement, aucune plaque, aucun suivi.",
    "ai_use": "Aucune IA.",
    "co_construction_plan": "Ateliers avec les commerçants de la rue Legendre.",
    "expected_impact": "Moins de double file.",
    "impact_indicators": [
        "Taux de double file aux heures de livraison",
        "Temps moyen de recherche d'une place",
    ],
    "maturity": Maturity.PROTOTYPE,
    "milestones": "Octobre : prototype. Décembre : test. Février : DemoDay.",
    "sustainability": "Abonnement des transporteurs.",
    "accepts_charter": True,
    "accepts_privacy_notice": True,
    "certifies_accuracy": True,
    "charter_version": "1.0",
}


def make_complete_application(**kwargs):
    """Return a draft application that passes every completeness check."""
    fields = {**COMPLETE_FIELDS, **kwargs}
    application = ApplicationFactory(**fields)
    RequestedDatasetFactory(application=application)
    AttachmentFactory(application=application)
    return application
