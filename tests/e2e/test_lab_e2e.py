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
        assert page.url == f"{live_server}/lab"
        assert page.get_attribute(REMOTE, "data-level") == "none"
        assert page.is_checked("#opt-chip_access-2")  # the choice survives the round trip
    finally:
        context.close()
