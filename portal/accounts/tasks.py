from celery import shared_task

from .services import purge_inactive_accounts


@shared_task(name="accounts.purge_inactive_accounts")
def purge_inactive_accounts_task():
    """Erase accounts unused past the stated retention (the privacy notice)."""
    return purge_inactive_accounts()


@shared_task(name="accounts.apply_retention")
def apply_retention_task():
    """Apply the retention of the registry of personal data (daily)."""
    from .retention import apply_retention

    return apply_retention()
