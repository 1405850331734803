import pytest

from portal.celery import app
from portal.tasks import ping_task


def test_task_round_trip_through_real_redis_broker_and_worker(real_worker):
    """A real worker consumes the Redis broker: tasks run outside eager mode."""
    with real_worker():
        result = ping_task.delay(value="batignolles")
        assert result.get(timeout=20) == {"pong": "batignolles"}
        assert result.successful()


@pytest.mark.django_db
def test_task_runs_in_process_when_eager_as_in_feature_tests(settings):
    app.conf.task_always_eager = True
    try:
        result = ping_task.delay(value="eager")
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    assert result.get() == {"pong": "eager"}
