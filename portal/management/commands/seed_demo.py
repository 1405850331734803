from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_password, seed_accounts

# Each app's demo module, in dependency order, with its seeding function.
APP_SEEDERS = [
    ("datasets.demo", "seed_datasets"),
    ("applications.demo", "seed_applications"),
    # The jury needs the calls, the applications and their final states.
    ("applications.jury.demo", "seed_jury"),
    ("workshops.demo", "seed_workshops"),
    # Data access needs the retained applications.
    ("datasets.access.demo", "seed_data_access"),
]


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent). Refuses to run when DEBUG is off."

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
        accounts = seed_accounts()
        for module_name, function_name in APP_SEEDERS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            getattr(module, function_name)(
                accounts=accounts, days=days, stdout=self.stdout
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Every demo account uses the password: "
                f"{demo_password()}"
            )
        )
        for role, users in accounts.items():
            self.stdout.write(
                f"  {role}: {', '.join(u.email for u in users[:3])}"
                + (" ..." if len(users) > 3 else "")
            )
