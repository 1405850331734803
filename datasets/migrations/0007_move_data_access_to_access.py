# Data access (grants, API keys, their usage) moves to its own app,
# ``datasets.access`` (label ``access``). This migration removes the three
# models from the ``datasets`` state only: their tables and rows stay, and
# ``access.0001_initial`` takes them over as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('datasets', '0006_ingestion_run_progress'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ApiKeyUsage'),
                migrations.DeleteModel(name='ApiKey'),
                migrations.DeleteModel(name='DataGrant'),
            ],
            database_operations=[],
        ),
    ]
