"""The ID Design Lab in a real browser (Debian's Chromium through Playwright, fixtures in tests/e2e/conftest.py):
changing a choice changes the risk profile, once with JavaScript (fetched as the choice changes) and once without
(the form is submitted and the page rendered again on the server)."""

import pytest

REMOTE = '[data-dimension="remote_readability"]'
LAB = "/lab?preset=nk-2019&task=no-remote-read"


@pytest.fixture
def lab_url(live_app, live_server):
    """The lab on the live server, with one account created so the first-run setup page is out of the way."""
    from course.extensions import db
    from course.models import User

    with live_app.app_context():
        user = User(username="e2e-admin", role="admin")
        user.set_password("an e2e password")
        db.session.add(user)
        db.session.commit()
    return f"{live_server}{LAB}"


def test_with_javascript_the_profile_follows_a_changed_choice(page, lab_url, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab_url)
    assert page.get_attribute(REMOTE, "data-level") == "high"
    page.evaluate("window.__stillTheSamePage = true")
    page.get_by_label("PACE", exact=True).check()
    page.wait_for_selector(f'{REMOTE}[data-level="none"]', timeout=10_000)
    assert page.evaluate("window.__stillTheSamePage") is True  # updated in place, no form submission
    assert "Readability at a distance: None" in page.inner_text("#lab-status")
    # An impossible combination shows its message at the field, and the results say what to fix.
    page.get_by_label("No chip", exact=True).check()
    page.wait_for_selector('[data-error-for="chip_access"]:not([hidden])', timeout=10_000)
    assert "this card has none" in page.inner_text('[data-error-for="chip_access"]')
    assert page.is_visible("text=Some choices need fixing")
    assert errors == []
    assert all(url.startswith(live_server) for url in page.requested_urls)  # nothing loaded from elsewhere


def test_without_javascript_submitting_the_form_changes_the_profile(browser, lab_url, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(lab_url)
        assert page.get_attribute(REMOTE, "data-level") == "high"
        assert page.is_hidden(".lab-js-note")
        page.get_by_label("PACE", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Update the card and profile").click()
        assert page.url == f"{live_server}/lab#lab-changed"  # back at the changed control, not the top
        assert page.evaluate("document.getElementById('lab-changed').nextElementSibling.id") == "opt-chip_access"
        assert "Readability at a distance" in page.inner_text("#lab-summary")
        assert page.get_attribute(REMOTE, "data-level") == "none"
        assert page.is_checked("#opt-chip_access-2")  # the choice survives the round trip
    finally:
        context.close()


SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('svg.lab-card text, svg.lab-chart text')]
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
IN_VIEW = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


def sign_in(page) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill("e2e-admin")
    page.get_by_label("Password").fill("an e2e password")
    page.get_by_role("button", name="Sign in").click()


def test_a_lab_task_on_a_phone(browser, lab_url, live_server):
    """At 375 px: legible card and chart, the change summarised in view as each choice changes, the task done."""
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 700})
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(lab_url + "&compare=de-eid")
        assert page.evaluate(SMALLEST_TEXT) >= 12
        assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
        page.get_by_label("PACE", exact=True).check()
        page.locator("#lab-summary", has_text="Changed").wait_for(timeout=10_000)
        assert page.evaluate(IN_VIEW, "#lab-summary")  # seen without scrolling away from the choice
        assert page.evaluate(IN_VIEW, "#opt-chip_access-2")
        assert "Readability at a distance" in page.inner_text("#lab-summary")
        page.locator("input[name=verification][value=offline_chip]").check()
        page.locator("input[name=chip_auth][value=passive]").check()
        page.wait_for_selector('.lab-checks[data-passed="true"]', timeout=10_000)
        assert page.evaluate(SMALLEST_TEXT) >= 12
        page.get_by_role("button", name="Submit for grading").click()
        assert page.get_by_text("Task complete").first.is_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")
    finally:
        context.close()


COVERED = """() => {
  const el = document.activeElement, bar = document.querySelector('.lab-actions');
  if (!el || el === document.body || bar.contains(el) || !el.closest('#lab-form')) return null;
  const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
  return r.bottom > b.top && r.top < b.bottom ? (el.id || el.name || el.tagName) : '';
}"""


@pytest.mark.parametrize("size", [(1280, 900), (375, 700)])
def test_the_sticky_update_bar_never_covers_the_focused_control(browser, lab_url, live_server, size):
    """WCAG 2.2 focus not obscured: tab through the whole form; no stop may sit under the sticky bar."""
    context = browser.new_context(base_url=live_server, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(lab_url)
        covered, stops = [], 0
        for _ in range(400):
            page.keyboard.press("Tab")
            found = page.evaluate(COVERED)
            in_results = page.evaluate("!!document.activeElement.closest('.lab-results-column')")
            if found is None and stops > 10 and in_results:
                break
            if found is not None:
                stops += 1
            if found:
                covered.append(found)
        assert stops > 40 and covered == []
    finally:
        context.close()
