"""Follow-up actions: the owner becomes a person of the portal.

Actions written with a text owner get the person of their Project's team (or
an organiser) whose full name matches it, ignoring case and spaces around; a
name that matches nobody, or more than one person, stays as text (shown as
before, and replaced when the action is next edited).
"""

from django.db import migrations


def match_owners(apps, schema_editor):
    FollowUpAction = apps.get_model("workshops", "FollowUpAction")
    TeamMember = apps.get_model("applications", "TeamMember")
    OrganiserRole = apps.get_model("accounts", "OrganiserRole")
    organisers = list(
        OrganiserRole.objects.values_list("user_id", "user__full_name")
    )
    actions = FollowUpAction.objects.filter(owner__isnull=True).exclude(owner_name="")
    for action in actions.select_related("project").iterator():
        wanted = action.owner_name.strip().casefold()
        team = TeamMember.objects.filter(
            application_id=action.project.application_id
        ).values_list("user_id", "user__full_name")
        matches = {
            user_id
            for user_id, name in [*team, *organisers]
            if (name or "").strip().casefold() == wanted
        }
        if len(matches) == 1:
            action.owner_id = matches.pop()
            action.owner_name = ""
            action.save(update_fields=["owner", "owner_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("applications", "0001_initial"),
        ("workshops", "0004_workshop_seat_counters"),
    ]

    operations = [migrations.RunPython(match_owners, migrations.RunPython.noop)]
