"""Browser tests: Playwright drives Debian's Chromium against the portal served
by pytest-django's live server, on the real PostgreSQL and Redis.

The live server runs in a thread of this process while Playwright's sync API
keeps an event loop in the main thread; Django refuses ORM calls from a thread
with a running loop unless told that this is deliberate.
"""

import os
from pathlib import Path

import pytest

# For the test process only: the deploy check's subprocess drops it
# (tests/security/test_deployment.py), and no setting ever reads it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "test-output" / "screenshots"

VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PORTAL_REQUIRE_MFA = False


class Portal:
    """One browser context on the live server, with the checks every journey
    wants: no CSP violation, no console error, axe-core on demand."""

    def __init__(self, browser, live_server, viewport, locale="fr-FR"):
        self.live_server = live_server
        self.viewport_name = viewport
        self.context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport],
            locale=locale,
            accept_downloads=True,
        )
        # Injected before any page script: not subject to the page's CSP.
        self.context.add_init_script(path=str(AXE))
        self.context.set_default_timeout(60_000)
        self.console_errors = []
        self.axe = {}
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text)
                if message.type == "error"
                else None
            ),
        )
        return page

    def url(self, path):
        return f"{self.live_server.url}{path}"

    def axe_violations(self, page=None):
        """Serious and critical violations of WCAG 2.1 A/AA on the page."""
        page = page or self.page
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {
                    runOnly: {
                        type: 'tag',
                        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
                    },
                    resultTypes: ['violations'],
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                }));
            }"""
        )
        return [v for v in result if v["impact"] in {"serious", "critical"}]

    def check(self, name, page=None):
        """Record the axe violations of the page in view under ``name``."""
        page = page or self.page
        language = page.evaluate("document.documentElement.lang")
        violations = self.axe_violations(page)
        if violations:
            self.axe[f"{name} ({language})"] = violations
        return violations

    def check_both(self, path, name):
        """Visit ``path`` in French then in English (``/en`` prefix) and
        record axe's findings on each; answers the French page's status."""
        response = self.page.goto(self.url(path))
        status = response.status
        self.check(name)
        self.page.goto(self.url("/en" + path))
        self.check(name)
        return status

    def overflow(self, page=None):
        """What makes the page wider than the viewport, or scrolls sideways
        inside a table's frame (cut badges, dates out of view): a few
        elements as ``tag#id.class (right edge)``; empty when all fits."""
        return (page or self.page).evaluate(
            """() => {
                const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + [...e.classList].map(c => '.' + c).join('');
                const found = [];
                const width = document.documentElement.clientWidth;
                if (document.documentElement.scrollWidth > width) {
                    for (const e of document.body.querySelectorAll('*')) {
                        const r = e.getBoundingClientRect();
                        // Inside a table's frame only what escapes it counts.
                        const framed = e.closest('.table-wrap')
                            && !['absolute', 'fixed'].includes(
                                getComputedStyle(e).position);
                        if (!framed && r.right > width + 1 && ![...e.children].some(
                                c => c.getBoundingClientRect().right > width + 1)) {
                            found.push(`${name(e)} (${Math.round(r.right)})`);
                        }
                    }
                }
                // On a phone, a table may scroll inside its focusable frame
                // unless it is meant to become a list (table-list).
                const phone = window.innerWidth <= 640;
                for (const w of document.querySelectorAll('.table-wrap')) {
                    if (phone && !w.querySelector('table.table-list')) continue;
                    if (w.scrollWidth > w.clientWidth + 1) {
                        found.push(
                            `${name(w)} scrolls (${w.scrollWidth} > ${w.clientWidth})`
                        );
                    }
                }
                return found.slice(0, 5);
            }"""
        )

    def fits(self, page=None):
        return self.overflow(page) == []

    def screenshot(self, name, page=None):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (page or self.page).screenshot(
            path=str(SCREENSHOTS / f"{name}-{self.viewport_name}.png"), full_page=True
        )

    def close(self):
        self.context.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def portal(request, browser, live_server, transactional_db):
    portal = Portal(browser, live_server, request.param)
    yield portal
    portal.close()
    csp = [e for e in portal.console_errors if "Content Security Policy" in e]
    assert csp == []
