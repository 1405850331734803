"""Celery tasks of the jury: one module per area, imported here for autodiscovery."""

from .tasks_assignment import *  # noqa: F401,F403
from .tasks_dossiers import *  # noqa: F401,F403
