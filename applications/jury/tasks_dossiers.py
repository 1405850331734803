"""Celery task of the jury dossier: thin, takes an id, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .models import Dossier
from .services.dossiers import build_dossier

__all__ = ["build_dossier_task"]


@shared_task(name="jury.build_dossier")
def build_dossier_task(*, dossier_id):
    """Build the dossier ``dossier_id`` (in French, the programme's language).

    Returns its state; None when the row is gone. A dossier already built or
    failed is left as it is.
    """
    dossier = Dossier.objects.select_related("call").filter(pk=dossier_id).first()
    if dossier is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        build_dossier(dossier)
    return dossier.state
