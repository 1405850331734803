import time
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_password, seed_accounts

# Each app's demo module, in dependency order, with its seeding function and
# what `make run` shows while it works.
APP_SEEDERS = [
    ("datasets.demo", "seed_datasets", "Catalogue, sensors and simulated readings"),
    ("applications.demo", "seed_applications", "Calls, applications and jury seats"),
    # The jury needs the calls, the applications and their final states.
    (
        "applications.jury.demo",
        "seed_jury",
        "The juries: declarations, conflicts, assignments, scores, decisions",
    ),
    ("workshops.demo", "seed_workshops", "Workshops and the DemoDay"),
    # Data access needs the retained applications.
    ("datasets.access.demo", "seed_data_access", "Data access grant and API key usage"),
]


class Command(BaseCommand):
    help = (
        "Load realistic demo data (idempotent: a second run only adds the readings "
        "simulated since the first). Refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=21,
            help="Days of simulated sensor history to load (default 21).",
        )

    def handle(self, *args, days, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a known password: it only runs "
                "with DEBUG on (DJANGO_DEBUG=1)."
            )
        seeders = []
        for module_name, function_name, label in APP_SEEDERS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            seeders.append((label, getattr(module, function_name)))
        total = len(seeders) + 1
        started = time.monotonic()

        self._step(1, total, "Demo accounts")
        begun = time.monotonic()
        accounts = seed_accounts()
        self.stdout.write(
            "      "
            + ", ".join(f"{role}: {len(users)}" for role, users in accounts.items())
        )
        self._done(begun)
        for number, (label, seed) in enumerate(seeders, start=2):
            self._step(number, total, label)
            begun = time.monotonic()
            seed(accounts=accounts, days=days, stdout=_Indented(self.stdout))
            self._done(begun)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s. Every demo "
                f"account uses the password: {demo_password()}"
            )
        )
        for role, users in accounts.items():
            self.stdout.write(
                f"  {role}: {', '.join(u.email for u in users[:3])}"
                + (" ..." if len(users) > 3 else "")
            )

    def _step(self, number, total, label):
        percent = (number - 1) * 100 // total
        self.stdout.write(f"[{number}/{total}] {percent:3d} % {label}...")

    def _done(self, begun):
        self.stdout.write(f"      done in {time.monotonic() - begun:.1f} s.")


class _Indented:
    """The command's output, each line indented under its step."""

    def __init__(self, stdout):
        self._stdout = stdout

    def write(self, message, *args, **kwargs):
        if not message.startswith("      "):
            message = "      " + message
        self._stdout.write(message, *args, **kwargs)
