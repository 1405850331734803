"""Every audit event code the code base records reads as a sentence."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from applications.enums import ApplicationState
from portal.audit.models import AuditEvent
from portal.audit.sentences import EVENT_SENTENCES, event_sentence
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
SKIPPED = {".venv", "tests", "bench", "migrations", "node_modules", "staticfiles"}


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def recorded_codes():
    """The event codes passed to ``record_event(`` anywhere in the code base:
    literal, chosen by a condition, held in a ``verb`` variable or argument,
    or built from an application state (``f"application.{state.value}"``);
    and those a background job's ``finish_job``/``fail_job`` write."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        if SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name == "record_event" and node.args:
                    first = node.args[0]
                    codes.update(_strings(first))
                    if isinstance(first, ast.JoinedStr):
                        prefix = first.values[0].value
                        assert prefix == "application.", ast.unparse(first)
                        codes.update(f"{prefix}{state}" for state in ApplicationState)
                elif name in ("finish_job", "fail_job"):
                    # portal.background writes the event it is given.
                    for keyword in node.keywords:
                        if keyword.arg == "event":
                            codes.update(_strings(keyword.value))
            elif isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == "verb" for target in node.targets
            ):
                codes.update(_strings(node.value))
            elif isinstance(node, ast.keyword) and node.arg == "verb":
                codes.update(_strings(node.value))
    return sorted(code for code in codes if CODE.match(code))


RECORDED = recorded_codes()


def test_the_scan_finds_the_codes_it_should():
    assert len(RECORDED) > 90
    for code in (
        "application.created",
        "application.retained",
        "jury.grid_versioned",
        "dashboard.report_built",
        "jury.dossier_failed",
        "workshop.certificates_generated",
    ):
        assert code in RECORDED


@pytest.mark.parametrize("code", RECORDED)
def test_every_recorded_event_code_has_a_sentence(code):
    assert code in EVENT_SENTENCES
    with translation.override("fr"):
        french = str(EVENT_SENTENCES[code])
    with translation.override("en"):
        english = str(EVENT_SENTENCES[code])
    assert french != english  # translated
    assert code not in french and code not in english


@pytest.mark.django_db
def test_event_sentence_names_the_actor_in_the_reader_language():
    lea = make_user("lea@example.org", full_name="Léa Fontaine")
    event = AuditEvent(verb="application.created", actor=lea)
    system = AuditEvent(verb="application.admissible", actor=None)

    with translation.override("fr"):
        assert event_sentence(event) == "Léa Fontaine a créé la candidature."
        assert (
            event_sentence(system) == "Le portail a déclaré la candidature recevable."
        )
    with translation.override("en"):
        assert event_sentence(event) == "Léa Fontaine created the application."


def test_an_unknown_code_is_spelled_out_never_dotted():
    event = AuditEvent(verb="grant.holder_notified", actor=None)
    with translation.override("fr"):
        assert event_sentence(event) == "Le portail\u00a0: grant, holder notified."


def test_admin_list_shows_the_event_in_words():
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEvent]
    event = AuditEvent(verb="call.published", actor=None)
    with translation.override("fr"):
        assert model_admin.in_words(event) == "Le portail a publié l’appel."
    assert model_admin.list_display[:3] == ["created_at", "in_words", "verb"]
