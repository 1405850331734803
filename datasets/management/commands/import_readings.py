"""``python manage.py import_readings FILE``: import readings from CSV or JSON lines."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from datasets.ingestion import FileSource, ingest


class Command(BaseCommand):
    help = (
        "Import sensor readings from a CSV file (header "
        "sensor,metric,period_start,value[,unit]) or a JSON lines file. "
        "Bad records are rejected one by one; importing twice stores nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .csv or .jsonl file.")
        parser.add_argument(
            "--format",
            choices=["csv", "jsonl"],
            dest="file_format",
            help="Force the format (default: from the file extension).",
        )

    def handle(self, *args, file, file_format=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        run = ingest(FileSource(path, file_format=file_format))
        self.stdout.write(
            f"Run #{run.pk} {run.status}: received {run.received}, "
            f"accepted {run.accepted}, already stored {run.duplicates}, "
            f"rejected {run.rejected}"
        )
        for reason, count in sorted(run.rejected_by_reason.items()):
            self.stdout.write(f"  rejected {reason}: {count}")
        for sample in run.sample_errors[:5]:
            self.stdout.write(
                f"  record {sample['position']}: {sample['reason']}: "
                f"{sample['detail']}"
            )
