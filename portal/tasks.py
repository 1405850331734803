from celery import shared_task


@shared_task(name="portal.ping")
def ping_task(*, value):
    """Echo ``value``: proves a worker consumes the broker (health and tests)."""
    return {"pong": value}
