"""Files built in the background: one pattern for the rows the worker fills in
while a page polls their progress (the annual report, the jury dossier, the
workshop certificates).

A job is a row created ``queued`` by a request service, moved ``running``
then ``done`` or ``failed`` by a Celery task. ``BackgroundJob`` holds the
fields every job has; each job declares its own ``state`` (with
``job_state_field``: the words for the states differ per page) and its own
``progress`` (a stored percentage, or a property over its counts). While the
task works it calls ``mark_job`` outside any transaction, so the polling page
sees the row move; it ends with ``finish_job`` or ``fail_job``, each with its
audit event. The status view answers ``job_status(job)``, which
``static/js/progress-poll.js`` reads (``docs/operations.md``).
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event


class JobState:
    """The values every job's ``state`` choices use (their labels are the
    job's own)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    VALUES = (QUEUED, RUNNING, DONE, FAILED)
    FINISHED = (DONE, FAILED)


def job_state_field(choices):
    """Return the ``state`` field of a job whose labels are ``choices`` (a
    ``TextChoices`` with the four values of ``JobState``)."""
    return models.CharField(
        _("state"), max_length=20, choices=choices.choices, default=choices.QUEUED
    )


class BackgroundJob(models.Model):
    """What every job built by the worker records besides its state and
    progress: who asked and when, when it ended, and why it failed."""

    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self):
        return self.state in JobState.FINISHED


def mark_job(job, **fields):
    """Write ``fields`` on ``job``'s row at once, and on ``job``.

    Called outside any transaction while the worker builds, the row moves
    where the page polling its status sees it.
    """
    type(job).objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def finish_job(job, *, event, target=None, after=None, data=None, file=None, **fields):
    """Mark ``job`` done (with ``fields``, e.g. ``progress=100``), store
    ``file`` (a ``(name, content)`` pair) under MEDIA_ROOT when given, and
    write the audit event ``event`` about ``target`` (the job by default), in
    one transaction."""
    with transaction.atomic():
        if file is not None:
            name, content = file
            job.file.save(name, content, save=False)
            fields["file"] = job.file.name
        mark_job(
            job, state=JobState.DONE, finished_at=timezone.now(), error="", **fields
        )
        record_event(
            event,
            actor=None,
            target=job if target is None else target,
            after=after,
            data=data,
        )
    return job


def fail_job(job, exc, *, message, event, target=None, data=None):
    """Mark ``job`` failed with ``message`` (translated, with a
    ``%(reason)s`` placeholder filled from ``exc``) and write the audit event
    ``event`` about ``target`` (the job by default), its data holding the
    error, in one transaction. Return the error as written."""
    error = message % {"reason": str(exc) or exc.__class__.__name__}
    with transaction.atomic():
        mark_job(job, state=JobState.FAILED, error=error, finished_at=timezone.now())
        record_event(
            event,
            actor=None,
            target=job if target is None else target,
            data={**(data or {}), "error": error},
        )
    return error


def job_status(job, **extra):
    """Return the JSON status of ``job`` that ``progress-poll.js`` reads,
    with ``extra`` keys (a download link, counts)."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "progress": job.progress,
        "finished": job.is_finished,
        "error": job.error,
        **extra,
    }
