"""``manage.py apply_retention [--dry-run]``: apply the retention the registry
of personal data states (portal/accounts/retention.py), print the counts."""

from django.core.management.base import BaseCommand

from portal.accounts.retention import apply_retention


class Command(BaseCommand):
    help = "Delete or anonymise the personal data past its stated retention."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would change; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        counts = apply_retention(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for rule, count in counts.items():
            self.stdout.write(f"{rule}: {count} {verb}")
