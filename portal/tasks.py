from celery import shared_task


# The one task whose result is read (the others ignore theirs: settings).
@shared_task(name="portal.ping", ignore_result=False)
def ping_task(*, value):
    """Echo ``value``: proves a worker consumes the broker (health and tests)."""
    return {"pong": value}
