"""JuryMembership now lives in the ``jury`` app (``applications/jury/``).

State only: the table ``applications_jurymembership`` and its rows are kept and
now belong to ``jury.JuryMembership`` (see ``jury/migrations/0001_initial.py``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_project"),
        ("jury", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="JuryMembership")],
            database_operations=[],
        ),
    ]
