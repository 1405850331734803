import pytest
from django.utils import translation

from portal.accounts.models import PartnerRole
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _eager_celery_and_french(settings, tmp_path):
    """Tasks run in-process unless a test starts a real worker; media in tmp;
    each test starts in French."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_REQUIRE_MFA = False
    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def partner(db):
    person = make_user("sophie@paris.example", full_name="Sophie Laurent")
    PartnerRole.objects.create(user=person, organisation="Ville de Paris")
    return person
