"""JuryMembership moves here from ``applications``: state only, same table.

The table ``applications_jurymembership`` and its rows stay where they are;
its content type is renamed so audit events and permissions keep pointing at it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="jury", model="jurymembership").exists():
        return
    ContentType.objects.filter(
        app_label="applications", model="jurymembership"
    ).update(app_label="jury")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(
        app_label="applications", model="jurymembership"
    ).exists():
        return
    ContentType.objects.filter(app_label="jury", model="jurymembership").update(
        app_label="applications"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0003_project"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="JuryMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "organisation",
                            models.CharField(
                                blank=True,
                                max_length=200,
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        (
                            "call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="jury",
                                to="applications.call",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="jury_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "jury member",
                        "verbose_name_plural": "jury members",
                        "db_table": "applications_jurymembership",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("call", "user"), name="jury_member_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
