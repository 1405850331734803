"""Audit events in words: one sentence per event code, in the reader's language.

People never read an event code (``application.created``): every code the
code base records has a sentence here, with the named placeholder
``%(actor)s`` (who did it; "The portal" for the system). A test parses the
code base for ``record_event(`` and fails when a code has no sentence.
Pages that know more (the data-access journal in ``datasets.access.sentences``)
write richer sentences; this table is the floor every page can rely on.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EVENT_SENTENCES = {
    # Accounts and roles
    "account.updated": gettext_lazy("%(actor)s updated their account."),
    "account.erased": gettext_lazy("%(actor)s had an account erased."),
    "organiser.granted": gettext_lazy("%(actor)s gave someone the organiser role."),
    "account.logged_out": gettext_lazy("%(actor)s logged out."),
    "partner.granted": gettext_lazy(
        "%(actor)s gave a partner read access to the dashboard."
    ),
    "partner.revoked": gettext_lazy(
        "%(actor)s withdrew a partner's access to the dashboard."
    ),
    # Retention of personal data
    "application.draft_expired": gettext_lazy(
        "%(actor)s deleted a draft never submitted, past its retention period."
    ),
    "application.anonymised": gettext_lazy(
        "%(actor)s anonymised an application not retained, past its retention period."
    ),
    # The programme dashboard
    "dashboard.report_requested": gettext_lazy(
        "%(actor)s asked for the annual report."
    ),
    "dashboard.report_built": gettext_lazy("%(actor)s built the annual report."),
    "dashboard.report_failed": gettext_lazy(
        "%(actor)s could not build the annual report."
    ),
    "dashboard.report_downloaded": gettext_lazy(
        "%(actor)s downloaded the annual report."
    ),
    # Calls and applications
    "call.created": gettext_lazy("%(actor)s created the call."),
    "call.updated": gettext_lazy("%(actor)s changed the call."),
    "call.published": gettext_lazy("%(actor)s published the call."),
    "call.unpublished": gettext_lazy("%(actor)s took the call offline."),
    "application.created": gettext_lazy("%(actor)s created the application."),
    "application.submitted": gettext_lazy("%(actor)s submitted the application."),
    "application.resubmitted": gettext_lazy(
        "%(actor)s submitted the application again."
    ),
    "application.withdrawn": gettext_lazy("%(actor)s withdrew the application."),
    "application.admissible": gettext_lazy(
        "%(actor)s declared the application admissible."
    ),
    "application.inadmissible": gettext_lazy(
        "%(actor)s declared the application inadmissible."
    ),
    "application.under_review": gettext_lazy(
        "%(actor)s put the application under review by the jury."
    ),
    "application.retained": gettext_lazy("%(actor)s retained the application."),
    "application.waiting_list": gettext_lazy(
        "%(actor)s put the application on the waiting list."
    ),
    "application.not_retained": gettext_lazy(
        "%(actor)s decided not to retain the application."
    ),
    "application.draft": gettext_lazy("%(actor)s put the application back to draft."),
    "application.member_invited": gettext_lazy(
        "%(actor)s invited a co-applicant to the team."
    ),
    "application.member_joined": gettext_lazy("%(actor)s joined the team."),
    "application.member_removed": gettext_lazy(
        "%(actor)s removed a co-applicant from the team."
    ),
    "application.invitation_revoked": gettext_lazy(
        "%(actor)s revoked an invitation to the team."
    ),
    "application.attachment_added": gettext_lazy("%(actor)s added an attachment."),
    "application.attachment_removed": gettext_lazy("%(actor)s removed an attachment."),
    "project.created": gettext_lazy("%(actor)s turned the application into a Project."),
    "team_email.queued": gettext_lazy("%(actor)s sent an email to teams."),
    "email_template.created": gettext_lazy("%(actor)s created an email template."),
    "email_template.updated": gettext_lazy("%(actor)s changed an email template."),
    "email.requeued": gettext_lazy("%(actor)s asked to send a failed email again."),
    # Jury
    "jury.juror_invited": gettext_lazy("%(actor)s invited a juror."),
    "jury.invitation_accepted": gettext_lazy("%(actor)s accepted to join the jury."),
    "jury.invitation_withdrawn": gettext_lazy(
        "%(actor)s withdrew an invitation to the jury."
    ),
    "jury.juror_removed": gettext_lazy("%(actor)s removed a juror."),
    "jury.interests_declared": gettext_lazy("%(actor)s declared their interests."),
    "jury.conflicts_detected": gettext_lazy(
        "%(actor)s looked for conflicts of interest; some were found."
    ),
    "jury.conflict_confirmed": gettext_lazy(
        "%(actor)s confirmed a conflict of interest."
    ),
    "jury.conflict_dismissed": gettext_lazy(
        "%(actor)s dismissed a conflict of interest."
    ),
    "jury.assignment_started": gettext_lazy(
        "%(actor)s started the automatic assignment of applications to jurors."
    ),
    "jury.assignment_run": gettext_lazy(
        "The automatic assignment of applications to jurors, started by "
        "%(actor)s, finished."
    ),
    "jury.assignment_added": gettext_lazy(
        "%(actor)s assigned an application to a juror."
    ),
    "jury.assignment_removed": gettext_lazy(
        "%(actor)s removed an application from a juror."
    ),
    "jury.grid_created": gettext_lazy("%(actor)s created the evaluation grid."),
    "jury.grid_updated": gettext_lazy("%(actor)s changed the evaluation grid."),
    "jury.grid_versioned": gettext_lazy(
        "%(actor)s made a new version of the evaluation grid."
    ),
    "jury.grid_locked": gettext_lazy(
        "The evaluation grid is locked: jurors have started scoring."
    ),
    "jury.scores_recorded": gettext_lazy("%(actor)s saved scores."),
    "jury.sheet_submitted": gettext_lazy("%(actor)s submitted a score sheet."),
    "jury.phase_moved": gettext_lazy("%(actor)s moved the call to another phase."),
    "jury.reminder_sent": gettext_lazy("%(actor)s sent a reminder to a juror."),
    "jury.decision_recorded": gettext_lazy(
        "%(actor)s recorded a decision (not yet released)."
    ),
    "jury.decisions_released": gettext_lazy(
        "%(actor)s released the decisions to the teams."
    ),
    "jury.dossier_requested": gettext_lazy("%(actor)s asked for the jury dossier."),
    "jury.dossier_built": gettext_lazy("The jury dossier is ready."),
    "jury.dossier_failed": gettext_lazy("The jury dossier could not be built."),
    "jury.dossier_downloaded": gettext_lazy("%(actor)s downloaded the jury dossier."),
    # Workshops and the DemoDay
    "workshop.created": gettext_lazy("%(actor)s created the workshop."),
    "workshop.updated": gettext_lazy("%(actor)s changed the workshop."),
    "workshop.published": gettext_lazy("%(actor)s published the workshop."),
    "workshop.cancelled": gettext_lazy("%(actor)s cancelled the workshop."),
    "workshop.room_created": gettext_lazy("%(actor)s added a room."),
    "workshop.room_updated": gettext_lazy("%(actor)s changed a room."),
    "workshop.registered": gettext_lazy("%(actor)s registered for the workshop."),
    "workshop.waitlisted": gettext_lazy(
        "%(actor)s joined the waiting list of the workshop."
    ),
    "workshop.promoted": gettext_lazy(
        "A seat became free: a person on the waiting list is now registered."
    ),
    "workshop.registration_cancelled": gettext_lazy(
        "%(actor)s cancelled a registration."
    ),
    "workshop.projects_invited": gettext_lazy(
        "%(actor)s invited Projects to the workshop."
    ),
    "workshop.invitation_answered": gettext_lazy(
        "%(actor)s answered an invitation to the workshop."
    ),
    "workshop.participants_emailed": gettext_lazy(
        "%(actor)s sent an email to the participants."
    ),
    "workshop.feed_created": gettext_lazy("%(actor)s created a calendar link."),
    "workshop.feed_revoked": gettext_lazy("%(actor)s revoked a calendar link."),
    "workshop.checked_in": gettext_lazy("%(actor)s checked a participant in."),
    "workshop.check_in_undone": gettext_lazy("%(actor)s undid a check-in."),
    "workshop.attendance_exported": gettext_lazy(
        "%(actor)s downloaded the attendance list."
    ),
    "workshop.minutes_saved": gettext_lazy("%(actor)s saved the minutes."),
    "workshop.minutes_published": gettext_lazy("%(actor)s published the minutes."),
    "workshop.material_added": gettext_lazy("%(actor)s added a document."),
    "workshop.material_removed": gettext_lazy("%(actor)s removed a document."),
    "workshop.action_saved": gettext_lazy("%(actor)s saved a follow-up action."),
    "workshop.action_status_changed": gettext_lazy(
        "%(actor)s changed the status of a follow-up action."
    ),
    "workshop.feedback_invited": gettext_lazy(
        "%(actor)s sent the feedback survey to the participants."
    ),
    "workshop.feedback_given": gettext_lazy("%(actor)s gave their feedback."),
    "workshop.certificates_requested": gettext_lazy(
        "%(actor)s asked for the attendance certificates."
    ),
    "workshop.certificates_generated": gettext_lazy(
        "The attendance certificates are ready."
    ),
    "workshop.certificates_failed": gettext_lazy(
        "The attendance certificates could not be made."
    ),
    "demoday.created": gettext_lazy("%(actor)s created the DemoDay."),
    "demoday.updated": gettext_lazy("%(actor)s changed the DemoDay."),
    "demoday.plan_saved": gettext_lazy("%(actor)s saved the DemoDay's plan."),
    "demoday.session_saved": gettext_lazy("%(actor)s saved a DemoDay session."),
    "demoday.grid_saved": gettext_lazy("%(actor)s saved the DemoDay's grid."),
    "demoday.juror_added": gettext_lazy("%(actor)s added a DemoDay juror."),
    "demoday.juror_removed": gettext_lazy("%(actor)s removed a DemoDay juror."),
    "demoday.order_drawn": gettext_lazy("%(actor)s drew the running order."),
    "demoday.order_published": gettext_lazy("%(actor)s published the running order."),
    "demoday.pitch_scored": gettext_lazy("%(actor)s scored a pitch."),
    "demoday.vote_cast": gettext_lazy("%(actor)s voted for the public prize."),
    "demoday.results_saved": gettext_lazy("%(actor)s saved the DemoDay's results."),
    "demoday.results_published": gettext_lazy(
        "%(actor)s published the DemoDay's results."
    ),
    # Data, access and keys
    "feedback.submitted": gettext_lazy("A resident sent a question or a remark."),
    "feedback.status_changed": gettext_lazy(
        "%(actor)s changed the status of a resident's message."
    ),
    "ingestion.finished": gettext_lazy("A data import finished."),
    "ingestion.failed": gettext_lazy("A data import failed."),
    "ingestion.interrupted": gettext_lazy("A data import was interrupted."),
    "data_grant.created": gettext_lazy("%(actor)s granted access to data."),
    "data_grant.changed": gettext_lazy("%(actor)s changed an access to data."),
    "data_grant.suspended": gettext_lazy("%(actor)s suspended an access to data."),
    "data_grant.resumed": gettext_lazy(
        "%(actor)s lifted the suspension of an access to data."
    ),
    "data_grant.revoked": gettext_lazy("%(actor)s revoked an access to data."),
    "api_key.issued": gettext_lazy("%(actor)s created an API key."),
    "api_key.rotated": gettext_lazy("%(actor)s replaced an API key."),
    "api_key.revoked": gettext_lazy("%(actor)s revoked an API key."),
    "api_key.reported": gettext_lazy(
        "An API key was reported as leaked and revoked at once."
    ),
    "charter.signed": gettext_lazy("%(actor)s signed the data charter."),
}


def event_sentence(event):
    """``event`` (an ``AuditEvent``, actor selected) in one sentence.

    A code missing from the table (a new one, or an old row) still reads as
    words, never dotted: "%(actor)s: application, something done."
    """
    actor = event.actor.display_name if event.actor else _("The portal")
    template = EVENT_SENTENCES.get(event.verb)
    if template is None:
        subject, _dot, action = event.verb.partition(".")
        return _("%(actor)s: %(subject)s, %(action)s.") % {
            "actor": actor,
            "subject": subject.replace("_", " "),
            "action": action.replace("_", " "),
        }
    return str(template) % {"actor": actor}
