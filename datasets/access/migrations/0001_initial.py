# The models of data access as ``datasets`` left them (its migrations 0004
# and 0005), taken over in the state only: the tables, their rows and the
# many-to-many table of a grant's datasets (``datasets_datagrant_datasets``,
# named after the grant's table) stay where they are. ``0002`` renames them.
#
# The content types move too, so that the audit events and permissions that
# point at ``datasets.datagrant`` and ``datasets.apikey`` follow the models.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("datagrant", "apikey", "apikeyusage")


def move_content_types(from_label, to_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            old = ContentType.objects.filter(app_label=from_label, model=model)
            if not ContentType.objects.filter(app_label=to_label, model=model).exists():
                old.update(app_label=to_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('datasets', '0007_move_data_access_to_access'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DataGrant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('project', models.CharField(max_length=200, verbose_name='project')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('revoke_reason', models.CharField(blank=True, max_length=500, verbose_name='reason')),
                        ('datasets', models.ManyToManyField(related_name='grants', to='datasets.dataset', verbose_name='datasets')),
                        ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                        ('holder', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='data_grants', to=settings.AUTH_USER_MODEL, verbose_name='holder')),
                    ],
                    options={
                        'verbose_name': 'data access grant',
                        'verbose_name_plural': 'data access grants',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'datasets_datagrant',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('prefix', models.CharField(max_length=16, unique=True, verbose_name='prefix')),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('expires_at', models.DateTimeField(verbose_name='expires at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('replaced_by', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replaces', to='access.apikey', verbose_name='replaced by')),
                        ('grant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='keys', to='access.datagrant', verbose_name='grant')),
                    ],
                    options={
                        'verbose_name': 'API key',
                        'verbose_name_plural': 'API keys',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'datasets_apikey',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKeyUsage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('requests', models.PositiveIntegerField(default=0, verbose_name='requests')),
                        ('key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage', to='access.apikey', verbose_name='key')),
                    ],
                    options={
                        'verbose_name': 'API key usage',
                        'verbose_name_plural': 'API key usage',
                        'ordering': ['-day'],
                        'db_table': 'datasets_apikeyusage',
                        'constraints': [models.UniqueConstraint(fields=('key', 'day'), name='api_key_usage_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            move_content_types("datasets", "access"),
            move_content_types("access", "datasets"),
        ),
    ]
