import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import env_demodays


def test_demodays_read_months_and_days(monkeypatch):
    monkeypatch.setenv("PORTAL_DEMODAYS", "ami-1=2026-02, ami-2=2027-02-11")

    assert env_demodays("PORTAL_DEMODAYS", "") == {
        "ami-1": "2026-02",
        "ami-2": "2027-02-11",
    }


def test_demodays_default_to_the_first_wave_in_february_2026(monkeypatch):
    monkeypatch.delenv("PORTAL_DEMODAYS", raising=False)

    assert env_demodays("PORTAL_DEMODAYS", "ami-1=2026-02") == {"ami-1": "2026-02"}


@pytest.mark.parametrize(
    "value", ["ami-1=2026-13", "ami-1=2026-02-30", "ami-1", "x=26"]
)
def test_demodays_refuse_what_is_not_a_month_or_a_day(monkeypatch, value):
    monkeypatch.setenv("PORTAL_DEMODAYS", value)

    with pytest.raises(ImproperlyConfigured, match="call-slug=YYYY-MM"):
        env_demodays("PORTAL_DEMODAYS", "")
