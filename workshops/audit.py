"""The workshops' audit events in sentences (people read sentences, never
event codes), and the history of one workshop for its back-office page."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from portal.audit.models import AuditEvent

from .models import Registration, Workshop

SENTENCES = {
    "workshop.created": gettext_lazy("%(actor)s created the workshop."),
    "workshop.updated": gettext_lazy(
        "%(actor)s changed the workshop (version %(sequence)s): %(changed)s."
    ),
    "workshop.published": gettext_lazy("%(actor)s published the workshop."),
    "workshop.cancelled": gettext_lazy(
        "%(actor)s cancelled the workshop; everyone registered was told."
    ),
    "workshop.projects_invited": ngettext_lazy(
        "%(actor)s invited %(count)s project team.",
        "%(actor)s invited %(count)s project teams.",
        "count",
    ),
    "workshop.registered": gettext_lazy("%(person)s registered (seat confirmed)."),
    "workshop.waitlisted": gettext_lazy("%(person)s joined the waiting list."),
    "workshop.registration_cancelled": gettext_lazy(
        "%(actor)s cancelled the registration of %(person)s."
    ),
    "workshop.promoted": gettext_lazy(
        "%(person)s got a freed seat, from the waiting list."
    ),
    "workshop.invitation_answered": gettext_lazy(
        "%(actor)s answered the invitation for their team: %(answer)s."
    ),
}

CHANGED_FIELDS = {
    "starts_at": gettext_lazy("start"),
    "ends_at": gettext_lazy("end"),
    "room_id": gettext_lazy("room"),
    "online_url": gettext_lazy("online link"),
    "capacity": gettext_lazy("capacity"),
    "facilitators": gettext_lazy("facilitators"),
}


def sentence(event, *, person=""):
    """The event in a sentence; an unknown one is still spelled out."""
    actor = event.actor.display_name if event.actor_id else _("The portal")
    template = SENTENCES.get(event.verb)
    if template is None:
        words = event.verb.split(".", 1)[-1].replace("_", " ")
        return _("Workshop event: %(words)s") % {"words": words}
    data = event.data or {}
    changed = ", ".join(
        str(CHANGED_FIELDS.get(name, name.replace("_id", "").replace("_", " ")))
        for name in data.get("changed", [])
    )
    answer = (event.after or {}).get("answer", "")
    return template % {
        "actor": actor,
        "person": person or _("someone"),
        "sequence": data.get("sequence", ""),
        "changed": changed or "—",
        "count": data.get("count", 0),
        "answer": _("yes") if answer == "accepted" else _("no"),
    }


def workshop_history(workshop, *, limit=100):
    """The latest events of ``workshop`` and its registrations, with sentences:
    a list of ``(event, sentence)``, newest first."""
    workshop_type = ContentType.objects.get_for_model(Workshop)
    events = list(
        AuditEvent.objects.filter(
            Q(target_type=workshop_type, target_id=str(workshop.pk))
            | Q(verb__startswith="workshop.", data__workshop=workshop.slug)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    registration_type = ContentType.objects.get_for_model(Registration)
    ids = [
        int(e.target_id)
        for e in events
        if e.target_type_id == registration_type.pk and e.target_id.isdigit()
    ]
    people = {
        r.pk: r.user.display_name
        for r in Registration.objects.filter(pk__in=ids).select_related("user")
    }
    return [
        (
            event,
            sentence(
                event,
                person=people.get(int(event.target_id))
                if event.target_id.isdigit()
                and event.target_type_id == registration_type.pk
                else "",
            ),
        )
        for event in events
    ]
