# CertificateRun inherits portal.background.BackgroundJob: its requested_by,
# created_at and finished_at gain the verbose names the other jobs have. Only
# the migration state changes; the columns stay as they are.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_register_in_one_statement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificaterun",
                    name="created_at",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="requested at"
                    ),
                ),
                migrations.AlterField(
                    model_name="certificaterun",
                    name="finished_at",
                    field=models.DateTimeField(
                        blank=True, null=True, verbose_name="finished at"
                    ),
                ),
                migrations.AlterField(
                    model_name="certificaterun",
                    name="requested_by",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
