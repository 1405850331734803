import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Run Celery tasks in-process (no worker in these tests); media in tmp."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French: a request to /en/ leaves English active,
    and ``reverse`` would then build /en/ URLs in the next test."""
    translation.activate("fr")
    yield
    translation.activate("fr")
