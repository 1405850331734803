"""Celery tasks of the assignment: thin, take ids, safe to run twice."""

from celery import shared_task

from .models import AssignmentRun
from .services.assignment import run_assignment

__all__ = ["run_assignment_task"]


@shared_task(name="jury.run_assignment")
def run_assignment_task(*, run_id):
    """Solve and save the assignment run ``run_id``; quiet if it is gone or
    already taken by another worker."""
    run = (
        AssignmentRun.objects.select_related("call", "requested_by")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        return None
    return run_assignment(run).state
