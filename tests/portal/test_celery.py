import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app
from portal.tasks import ping_task


def test_task_round_trip_through_real_redis_broker_and_worker(redis_url):
    """A real worker consumes the Redis broker: tasks run outside eager mode."""
    previous = {
        key: app.conf[key]
        for key in ("broker_url", "result_backend", "task_always_eager")
    }
    app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False
    )
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
            result = ping_task.delay(value="batignolles")
            assert result.get(timeout=20) == {"pong": "batignolles"}
            assert result.successful()
    finally:
        app.conf.update(previous)


@pytest.mark.django_db
def test_task_runs_in_process_when_eager_as_in_feature_tests(settings):
    app.conf.task_always_eager = True
    try:
        result = ping_task.delay(value="eager")
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    assert result.get() == {"pong": "eager"}
