"""Celery tasks of the jury: one module per area, imported here for autodiscovery."""
