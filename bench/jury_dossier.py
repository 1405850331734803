"""Time the jury dossier of a call of 300 applications (target: under 30 s).

    .venv/bin/python bench/jury_dossier.py [--applications 300] [--jurors 15]

Creates a throw-away call ``bench-dossier`` in the database named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench;
migrated first): every application complete with a 2-page PDF attachment,
submitted the way users do (``submit_application``, then the receipt task the
worker runs: the receipt email and the PDF of the content, stored on the
submission), timed and reported "at submission, per application"; then moved
to review with 3 submitted score sheets each. Then times
``applications.jury.services.dossiers.build_dossier`` with the scores and
comments (the heaviest dossier), as the worker runs it, media in a temporary
directory, emails in memory. Prints both figures, the ZIP's size and the
dossier against the target; the call and its rows are deleted at the end. Exit
status 1 past the target with ``--strict``.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
TARGET_SECONDS = 30.0
SLUG = "bench-dossier"


def _setup(media_root):
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL
    )
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["PORTAL_MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django
    from django.conf import settings

    django.setup()
    # The receipt task and the outbox run in this process, as the worker
    # would; the emails stay in memory.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from celery import current_app

    current_app.conf.task_always_eager = True
    current_app.conf.task_eager_propagates = True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _two_page_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _cleanup():
    from applications.models import Application, Call
    from datasets.models import Dataset, DtprSheet
    from portal.accounts.models import User
    from portal.outbox.models import OutgoingEmail

    Application.objects.filter(call__slug=SLUG).delete()
    Call.objects.filter(slug=SLUG).delete()
    Dataset.objects.filter(slug=SLUG).delete()
    DtprSheet.objects.filter(slug=SLUG).delete()
    OutgoingEmail.objects.filter(to__endswith="@bench-dossier.example").delete()
    User.objects.filter(email__endswith="@bench-dossier.example").delete()


def _seed_call(jurors):
    """The call (closed), its dataset, grid and jurors, and the team's lead."""
    import datetime

    from django.utils import timezone

    from applications.enums import ApplicantType, Theme
    from applications.jury.models import Criterion, Grid, JuryMembership
    from applications.models import Call, DataCharter
    from datasets.models import Dataset, DtprSheet
    from portal.accounts.models import User

    now = timezone.now()
    charter, _created = DataCharter.objects.get_or_create(
        version="bench",
        defaults={"text_fr": "Charte.", "published_on": now.date()},
    )
    call = Call.objects.create(
        charter=charter,
        slug=SLUG,
        title_fr="Appel de mesure du dossier",
        summary_fr="Mesure.",
        text_fr="Mesure.",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=20),
        themes=[t.value for t in Theme],
        eligible_types=[t.value for t in ApplicantType],
        is_published=True,
    )
    sheet = DtprSheet.objects.create(
        slug=SLUG,
        name_fr="Fiche de mesure",
        accountable="Mairie du 17e arrondissement",
        purpose=["mobility"],
        technology=["person_detection"],
        data_collected=["values_time"],
        processing=["aggregated"],
        storage=["stored_primarily_locally"],
        access=["available_to_download"],
        retention=["data_retained"],
        retention_days=1825,
    )
    dataset = Dataset.objects.create(
        slug=SLUG, name_fr="Comptages de mesure", dtpr_sheet=sheet
    )
    call.datasets.add(dataset)
    grid = Grid.objects.create(call=call, version=1)
    criteria = [
        Criterion.objects.create(
            grid=grid,
            key=f"c{n}",
            label_fr=f"Critère {n}",
            weight=weight,
            position=n,
        )
        for n, weight in enumerate([20, 15, 15, 15, 10, 10, 15])
    ]
    memberships = []
    for n in range(jurors):
        user = User.objects.create_user(
            email=f"juror{n}@bench-dossier.example", full_name=f"Juré {n}"
        )
        memberships.append(
            JuryMembership.objects.create(
                call=call, user=user, organisation=f"Partenaire {n}", declared_at=now
            )
        )
    lead = User.objects.create_user(
        email="lead@bench-dossier.example", full_name="Porteuse", language="fr"
    )
    return call, dataset, grid, criteria, memberships, lead


def _draft(call, dataset, lead, number, pdf):
    """A complete draft with its lead, requested dataset and 2-page attachment."""
    import hashlib

    from django.core.files.base import ContentFile

    from applications.enums import (
        ApplicantType,
        ApplicationState,
        Granularity,
        Maturity,
        TeamRole,
        Theme,
    )
    from applications.models import (
        Application,
        Attachment,
        RequestedDataset,
        TeamMember,
    )

    application = Application.objects.create(
        call=call,
        # Its own prefix: the ranking bench shares this database (make bench).
        reference=f"DOSSIER-{number:04d}",
        state=ApplicationState.DRAFT,
        organisation_name=f"Équipe {number}",
        applicant_type=ApplicantType.STARTUP,
        siret="73282932000074",
        website="https://batignolles-lab.example.org",
        title=f"Projet de mesure {number}",
        summary="Un service utile aux habitants des Batignolles.",
        themes=[Theme.MOBILITY.value],
        problem="Les livreurs stationnent en double file. " * 10,
        proposed_service="Une carte des places libres. " * 10,
        target_users="Livreurs, commerçants, habitants.",
        privacy_safeguards="Agrégats seulement. " * 5,
        ai_use="Aucune IA.",
        co_construction_plan="Ateliers avec les commerçants. " * 5,
        expected_impact="Moins de double file. " * 5,
        impact_indicators=["Taux de double file", "Temps de recherche"],
        maturity=Maturity.PROTOTYPE,
        milestones="Prototype, test, DemoDay.",
        sustainability="Abonnement des transporteurs.",
        accepts_charter=True,
        accepts_privacy_notice=True,
        certifies_accuracy=True,
        charter_version=call.charter.version,
        created_by=lead,
    )
    TeamMember.objects.create(
        application=application,
        user=lead,
        role=TeamRole.LEAD,
        job_title="Cheffe de projet",
    )
    RequestedDataset.objects.create(
        application=application,
        dataset=dataset,
        purpose="Compter les passages aux heures de livraison.",
        granularity=Granularity.HOUR,
    )
    Attachment.objects.create(
        application=application,
        file=ContentFile(pdf, name="deck.pdf"),
        original_name="pitch-deck.pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        is_pitch_deck=True,
        uploaded_by=lead,
    )
    return application


def _seed(applications, jurors):
    """Seed the call; return it and the seconds spent submitting (the
    submission and its receipt task, PDF stored) for each application."""
    import datetime

    from django.utils import timezone

    from applications.enums import ApplicationState
    from applications.jury.models import Assignment, Score, ScoreSheet
    from applications.models import Application
    from applications.services.submission import submit_application

    call, dataset, grid, criteria, memberships, lead = _seed_call(jurors)
    pdf = _two_page_pdf()
    # Inside the call's window, as the server's clock was then.
    deposited_at = call.closes_at - datetime.timedelta(days=1)
    submitting = []
    for number in range(applications):
        application = _draft(call, dataset, lead, number, pdf)
        started = time.perf_counter()
        # Autocommit: the receipt task runs on commit, here in this process.
        submit_application(application, actor=lead, now=deposited_at)
        submitting.append(time.perf_counter() - started)
    # Admissibility done: the applications are under review.
    Application.objects.filter(call=call).update(state=ApplicationState.UNDER_REVIEW)
    now = timezone.now()
    for number, application in enumerate(
        Application.objects.filter(call=call).order_by("reference")
    ):
        for offset in range(3):
            membership = memberships[(number * 3 + offset) % jurors]
            assignment = Assignment.objects.create(
                membership=membership, application=application
            )
            sheet = ScoreSheet.objects.create(
                assignment=assignment,
                grid=grid,
                overall_comment="Projet solide, à suivre.",
                submitted_at=now,
            )
            Score.objects.bulk_create(
                Score(
                    sheet=sheet,
                    criterion=criterion,
                    value=None if (number + index) % 11 == 0 else (number + index) % 6,
                    not_applicable=(number + index) % 11 == 0,
                    comment="Argumenté et précis.",
                )
                for index, criterion in enumerate(criteria)
            )
    return call, submitting


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--jurors", type=int, default=15)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as media_root:
        _setup(media_root)
        from django.utils import translation

        from applications.jury.models import Dossier
        from applications.jury.services.dossiers import build_dossier
        from applications.pdf import RENDERS

        _cleanup()
        try:
            from applications.models import Submission

            started = time.perf_counter()
            call, submitting = _seed(args.applications, args.jurors)
            seeded = time.perf_counter() - started
            stored = (
                Submission.objects.filter(application__call=call)
                .exclude(pdf="")
                .count()
            )
            per_submission = sum(submitting) / len(submitting)
            print(
                f"Seeded {args.applications} applications × 2-page attachment, "
                f"{args.applications * 3} sheets in {seeded:.1f} s."
            )
            print(
                f"At submission, per application: {per_submission * 1000:.0f} ms "
                f"(slowest {max(submitting) * 1000:.0f} ms; the submission, its "
                f"receipt email and its PDF stored: {stored} PDFs stored)."
            )
            dossier = Dossier.objects.create(call=call, include_scores=True)
            renders = RENDERS["application"]
            started, cpu_started = time.perf_counter(), time.process_time()
            with translation.override("fr"):
                build_dossier(dossier)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            dossier.refresh_from_db()
            size = dossier.file.size if dossier.file else 0
            print(
                f"Dossier ({dossier.state}): {elapsed:.1f} s for "
                f"{args.applications} applications "
                f"({elapsed / args.applications * 1000:.0f} ms each), "
                f"ZIP {size / 1e6:.1f} MB; target < {TARGET_SECONDS:.0f} s: "
                f"{'PASS' if elapsed < TARGET_SECONDS else 'MISS'}"
            )
            # On a shared machine the wall time includes waiting for a CPU.
            print(
                f"CPU time of this process: {cpu:.1f} s "
                f"({cpu / args.applications * 1000:.0f} ms each); contents laid "
                f"out again: {RENDERS['application'] - renders}."
            )
            if dossier.error:
                print(dossier.error)
        finally:
            _cleanup()
    if args.strict and elapsed >= TARGET_SECONDS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
