"""Time the jury dossier of a call of 300 applications (target: under 30 s).

    .venv/bin/python bench/jury_dossier.py [--applications 300] [--jurors 15]

Creates a throw-away call ``bench-dossier`` in the database named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench;
migrated first): every application complete and deposited, with a 2-page PDF
attachment, and 3 submitted score sheets each; then times
``applications.jury.services.dossiers.build_dossier`` with the scores and
comments (the heaviest dossier), as the worker runs it, media in a temporary
directory. Prints the time, the ZIP's size and the figure against the target;
the call and its rows are deleted at the end. Exit status 1 past the target
with ``--strict``.
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

    django.setup()
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
    from portal.accounts.models import User

    Application.objects.filter(call__slug=SLUG).delete()
    Call.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__endswith="@bench-dossier.example").delete()


def _seed(applications, jurors):
    import datetime
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from applications.enums import ApplicantType, ApplicationState, Maturity, Theme
    from applications.jury.models import (
        Assignment,
        Criterion,
        Grid,
        JuryMembership,
        Score,
        ScoreSheet,
    )
    from applications.models import (
        Application,
        Attachment,
        Call,
        DataCharter,
        Submission,
    )
    from applications.services.submission import (
        application_content,
        content_fingerprint,
    )
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
    )
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
        email="lead@bench-dossier.example", full_name="Porteuse"
    )
    pdf = _two_page_pdf()
    digest = hashlib.sha256(pdf).hexdigest()
    for number in range(applications):
        application = Application.objects.create(
            call=call,
            reference=f"BENCH-{number:04d}",
            state=ApplicationState.UNDER_REVIEW,
            organisation_name=f"Équipe {number}",
            applicant_type=ApplicantType.STARTUP,
            title=f"Projet de mesure {number}",
            summary="Un service utile aux habitants des Batignolles. " * 4,
            themes=[Theme.MOBILITY.value],
            problem="Les livreurs stationnent en double file. " * 10,
            proposed_service="Une carte des places libres. " * 10,
            target_users="Livreurs, commerçants, habitants.",
            privacy_safeguards="Agrégats seulement. " * 5,
            co_construction_plan="Ateliers avec les commerçants. " * 5,
            expected_impact="Moins de double file. " * 5,
            maturity=Maturity.PROTOTYPE,
            milestones="Prototype, test, DemoDay.",
            created_by=lead,
        )
        Attachment.objects.create(
            application=application,
            file=ContentFile(pdf, name="deck.pdf"),
            original_name="pitch-deck.pdf",
            size=len(pdf),
            sha256=digest,
            is_pitch_deck=True,
        )
        content = application_content(application)
        Submission.objects.create(
            application=application,
            number=1,
            content=content,
            sha256=content_fingerprint(content),
        )
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
    return call


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

        _cleanup()
        try:
            started = time.perf_counter()
            call = _seed(args.applications, args.jurors)
            seeded = time.perf_counter() - started
            dossier = Dossier.objects.create(call=call, include_scores=True)
            started, cpu_started = time.perf_counter(), time.process_time()
            with translation.override("fr"):
                build_dossier(dossier)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            dossier.refresh_from_db()
            size = dossier.file.size if dossier.file else 0
            print(
                f"Seeded {args.applications} applications × 2-page attachment, "
                f"{args.applications * 3} sheets in {seeded:.1f} s."
            )
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
                f"({cpu / args.applications * 1000:.0f} ms each)."
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
