import pytest


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Run Celery tasks in-process (no worker in these tests); media in tmp."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
