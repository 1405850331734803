# A grant points at its Project (applications.Project, one per retained
# application) instead of naming it in free text.
#
# The text is kept as ``legacy_project``; each grant whose text is the name of
# exactly one Project (its public name or its application's title, ignoring
# case and spacing; among several, the one whose team includes the holder) is
# linked to it and its text cleared. A grant that matches no Project keeps its
# text and no Project: nothing is lost, and the pages show the text.

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def _norm(text):
    return " ".join((text or "").split()).casefold()


def link_projects(apps, schema_editor):
    DataGrant = apps.get_model("access", "DataGrant")
    Project = apps.get_model("applications", "Project")
    TeamMember = apps.get_model("applications", "TeamMember")
    by_name = defaultdict(set)
    for project in Project.objects.select_related("application"):
        by_name[_norm(project.name)].add(project.pk)
        by_name[_norm(project.application.title)].add(project.pk)
    teams = set(
        TeamMember.objects.filter(application__project__isnull=False).values_list(
            "application__project", "user_id"
        )
    )
    for grant in DataGrant.objects.filter(project__isnull=True):
        candidates = by_name.get(_norm(grant.legacy_project), set())
        if len(candidates) > 1:
            candidates = {pk for pk in candidates if (pk, grant.holder_id) in teams}
        if len(candidates) == 1:
            grant.project_id = candidates.pop()
            grant.legacy_project = ""
            grant.save(update_fields=["project", "legacy_project"])


def unlink_projects(apps, schema_editor):
    DataGrant = apps.get_model("access", "DataGrant")
    for grant in DataGrant.objects.filter(project__isnull=False).select_related(
        "project"
    ):
        grant.legacy_project = grant.project.name[:200]
        grant.project = None
        grant.save(update_fields=["project", "legacy_project"])


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_access_table_names'),
        ('applications', '0003_project'),
    ]

    operations = [
        migrations.RenameField(
            model_name='datagrant',
            old_name='project',
            new_name='legacy_project',
        ),
        migrations.AlterField(
            model_name='datagrant',
            name='legacy_project',
            field=models.CharField(blank=True, max_length=200, verbose_name='project name (before Projects)'),
        ),
        migrations.AddField(
            model_name='datagrant',
            name='project',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='data_grants', to='applications.project', verbose_name='project'),
        ),
        migrations.RunPython(link_projects, unlink_projects),
        migrations.AddConstraint(
            model_name='datagrant',
            constraint=models.CheckConstraint(condition=models.Q(('project__isnull', False), models.Q(('legacy_project', ''), _negated=True), _connector='OR'), name='data_grant_names_its_project'),
        ),
    ]
