"""After a workshop: its minutes, its materials and the follow-up actions of
the Projects that took part."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.validators import validate_pdf_upload
from portal.audit.services import record_event

from ..enums import ACTION_STATUS_TRANSITIONS, ActionStatus
from ..models import FollowUpAction, Material, Minutes

MEGABYTE = 1024 * 1024
# A material is a slide deck or a summary: the same limit as an application's
# attachment by default (applications' calls default to 10 MB a file).
MATERIAL_MAX_BYTES = 10 * MEGABYTE
MATERIALS_PER_WORKSHOP = 30


class ActionError(Exception):
    """A follow-up action change refused, with a translated message."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def save_minutes(workshop, *, body, visibility, publish, actor, now=None):
    """Create or update the minutes of ``workshop`` (Markdown, sanitised when
    shown); ``publish`` True publishes them (to ``visibility``), False keeps
    them as a draft only the organisers and facilitators see.

    Writes ``workshop.minutes_saved`` (or ``workshop.minutes_published`` the
    first time they are published). Returns the ``Minutes``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(workshop=workshop).first()
        created = minutes is None
        if created:
            minutes = Minutes(workshop=workshop)
        first_publication = publish and minutes.published_at is None
        minutes.body = body
        minutes.visibility = visibility
        minutes.author = actor
        minutes.updated_at = now
        if publish and minutes.published_at is None:
            minutes.published_at = now
        elif not publish:
            minutes.published_at = None
        if created:
            minutes.save()
        else:
            minutes.save(
                update_fields=[
                    "body",
                    "visibility",
                    "author",
                    "updated_at",
                    "published_at",
                ]
            )
        record_event(
            "workshop.minutes_published"
            if first_publication
            else "workshop.minutes_saved",
            actor=actor,
            target=workshop,
            after={
                "visibility": visibility,
                "published": minutes.published_at is not None,
                "length": len(body),
            },
        )
    return minutes


def add_material(workshop, *, title, uploaded_file, visibility, actor):
    """Attach a PDF to ``workshop``, checked like an application's attachment
    (content read as a PDF, size limit, no password).

    Raises ``ValidationError`` with a message for the uploader. Writes
    ``workshop.material_added``. Returns the ``Material``.
    """
    sha256 = validate_pdf_upload(uploaded_file, max_bytes=MATERIAL_MAX_BYTES)
    with transaction.atomic():
        count = Material.objects.filter(workshop=workshop).count()
        if count >= MATERIALS_PER_WORKSHOP:
            raise ValidationError(
                _("A workshop holds at most %(limit)s files: remove one first."),
                code="too_many",
                params={"limit": MATERIALS_PER_WORKSHOP},
            )
        material = Material(
            workshop=workshop,
            title=title,
            original_name=(uploaded_file.name or "document.pdf")[-200:],
            size=uploaded_file.size,
            sha256=sha256,
            visibility=visibility,
            uploaded_by=actor,
        )
        material.file.save("material.pdf", uploaded_file, save=False)
        material.save()
        record_event(
            "workshop.material_added",
            actor=actor,
            target=workshop,
            after={"title": title, "sha256": sha256, "visibility": visibility},
        )
    return material


def remove_material(material, *, actor):
    """Delete ``material`` and, once committed, its file. Writes
    ``workshop.material_removed``."""
    with transaction.atomic():
        stored = material.file.name
        storage = material.file.storage
        workshop = material.workshop
        record_event(
            "workshop.material_removed",
            actor=actor,
            target=workshop,
            before={"title": material.title, "sha256": material.sha256},
        )
        material.delete()
        transaction.on_commit(lambda: storage.delete(stored))


def save_follow_up_action(
    action, *, project, workshop, title, owner, due_on, status, actor
):
    """Create (``action`` None) or update a follow-up action of ``project``
    decided at ``workshop``, carried by ``owner`` (a user: the form checks
    they belong to the Project's team or run the programme). A text owner
    left by an older action is replaced. Writes ``workshop.action_saved``.
    Returns it."""
    with transaction.atomic():
        created = action is None
        if created:
            action = FollowUpAction(workshop=workshop)
        action.project = project
        action.title = title
        action.owner = owner
        action.owner_name = ""
        action.due_on = due_on
        action.status = status
        action.updated_at = timezone.now()
        action.save()
        record_event(
            "workshop.action_saved",
            actor=actor,
            target=action,
            after={
                "created": created,
                "project": project.slug,
                "title": title,
                "owner": owner.pk,
                "due_on": due_on.isoformat(),
                "status": status,
            },
        )
    return action


def set_action_status(action, status, *, actor):
    """Move ``action`` to ``status`` (the team of its Project, its workshop's
    facilitators, organisers). Raises ``ActionError`` for a status it cannot
    move to. Writes ``workshop.action_status_changed``."""
    with transaction.atomic():
        locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
        if status not in ActionStatus.values:
            raise ActionError(_("This status does not exist."))
        if status not in ACTION_STATUS_TRANSITIONS[locked.status]:
            raise ActionError(
                _("This action is already “%(status)s”.")
                % {"status": ActionStatus(locked.status).label}
            )
        before = locked.status
        locked.status = status
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            "workshop.action_status_changed",
            actor=actor,
            target=locked,
            before={"status": before},
            after={"status": status},
        )
    action.status = locked.status
    action.updated_at = locked.updated_at
    return action
