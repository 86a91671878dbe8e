"""The frame every page shares is rendered once per language, role and URL prefix and reused: a reader must still
see their own role's links, their own language, their own name and their own CSRF token."""

from tests.dom import parse


def nav_links(html: str) -> list[str]:
    return [link.text.strip() for link in parse(html).all("header nav li a")]


def test_each_role_keeps_its_own_links_from_the_shared_frame(client, auth, sample_course):
    auth.as_role("student", "sam")
    student_page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={})
    auth.as_role("instructor", "ivy")
    teacher_page = client.get("/").get_data(as_text=True)
    assert "Join a class" in nav_links(student_page) and "Teach" not in nav_links(student_page)
    assert {"Teach", "Author", "Import/export"} <= set(nav_links(teacher_page))
    assert "Join a class" not in nav_links(teacher_page)
    assert "Sign out sam" in student_page and "Sign out ivy" in teacher_page


def test_the_frame_follows_the_readers_language_and_address(app, client, auth, sample_course):
    auth.as_role("student", "sam")
    english = client.get("/progress").get_data(as_text=True)
    client.post("/language", data={"language": "ko", "next": "/progress"})
    korean = client.get("/progress").get_data(as_text=True)
    assert "My progress" in nav_links(english) and "My progress" not in nav_links(korean)
    assert parse(korean).first("#language-choice option[selected]")["value"] == "ko"
    assert parse(english).first("#language-choice option[selected]")["value"] == "en"
    assert parse(korean).first("footer input[name=next]")["value"] == "/progress"
    behind_a_prefix = client.get("/progress", environ_overrides={"SCRIPT_NAME": "/school"}).get_data(as_text=True)
    assert all(link.get("href").startswith("/school/") for link in parse(behind_a_prefix).all("header nav li a"))
    tokens = {element["value"] for element in parse(korean).all("input[name=csrf_token]")}
    assert len(tokens) == 1 and tokens != {""}


def test_links_remembered_for_templates_follow_the_url_prefix(client, auth, sample_course):
    """course/template_urls.py keeps the links templates build; the same page behind a path prefix must link under
    that prefix, and a link with an anchor or a static file's version is built each time."""
    auth.as_role("student", "sam")
    plain = client.get("/courses/sample-course").get_data(as_text=True)
    prefixed = client.get("/courses/sample-course", environ_overrides={"SCRIPT_NAME": "/school"}).get_data(as_text=True)
    lessons = lambda page: [a["href"] for a in parse(page).all("main a[href*='/lessons/']")]  # noqa: E731
    assert lessons(plain) and all(href.startswith("/courses/") for href in lessons(plain))
    assert lessons(prefixed) == ["/school" + href for href in lessons(plain)]


def test_the_remembering_url_for_builds_what_flask_builds(app):
    from flask import url_for

    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/school"}):
        remembered = app.jinja_env.globals["url_for"]
        cases = [
            ("learn.lesson", {"slug": "a", "lesson_slug": "b"}),
            ("learn.lesson", {"slug": "a", "lesson_slug": "b"}),  # the second time from memory
            ("learn.glossary", {"slug": "a", "_anchor": "chip"}),
            ("lab.index", {"compare": ["de-eid", "in-aadhaar"]}),
            ("static", {"filename": "lanyard.css"}),
        ]
        for endpoint, values in cases:
            assert remembered(endpoint, **values) == url_for(endpoint, **values), endpoint
