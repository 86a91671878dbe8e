"""Hostile lesson and quiz text comes out inert: in the renderer, and in every page that shows it."""

import html
import json
import re
from html.parser import HTMLParser

import pytest

from course.content import import_course
from course.render import render_inline, render_markdown
from course.sanitize import clean_html, safe_url
from tests.dom import parse

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<div style="background:url(javascript:alert(1))">css</div>',
    '<p style="width: expression(alert(1))">old IE</p>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<!-- <script>alert(1)</script> -->",
    '<details open ontoggle="alert(1)">x</details>',
]

ACTIVE_TAGS = set(
    "script style iframe object embed form input meta base svg math details link frame frameset applet button "
    "textarea select template".split()
)


class ActiveContent(HTMLParser):
    """Finds what a browser would act on: active elements, event handlers, inline styles, script URLs."""

    def __init__(self, allowed_tags=frozenset()):
        super().__init__()
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS - self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value or "")).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")) or "evil.example" in scheme:
                    self.found.append(f"{tag} {name}={value}")


def active_content(markup: str, allowed_tags=frozenset()) -> list[str]:
    parser = ActiveContent(allowed_tags)
    parser.feed(markup)
    return parser.found


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_rendering_is_inert(text):
    assert active_content(render_markdown(text).html) == []
    assert active_content(render_inline(text)) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_html_strips_even_raw_html(text):
    assert active_content(clean_html(text)) == []


def test_clean_html_keeps_what_lessons_need():
    html = (
        '<h2 id="a">T</h2><p><strong>b</strong> <a href="https://example.org">l</a></p>'
        '<table><tbody><tr><th class="align-left">h</th></tr></tbody></table>'
        '<figure><img src="../figures/a.svg" alt="x">'
        "<figcaption>c</figcaption></figure>"
    )
    assert clean_html(html) == html


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://example.org/a?b=1", True),
        ("http://x.org", True),
        ("mailto:a@b.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("/relative", False),
        ("https://a b", False),
    ],
)
def test_safe_url(url, safe):
    assert (safe_url(url) == url) is safe


def test_hostile_course_is_inert_on_every_page(app, client, auth, course_dir):
    payload = " ".join(HOSTILE)
    lesson = course_dir / "lessons/01-basics/01-what-a-card-is.md"
    lesson.write_text(
        lesson.read_text().replace("title: What a card is", "title: \"<script>alert('t')</script>\"")
        + "\n"
        + payload
        + "\n"
    )
    quiz = course_dir / "quizzes/basics-quiz.yaml"
    text = quiz.read_text()
    text = text.replace("prompt: What was the **old** card made of?", f"prompt: {json.dumps(payload)}")
    text = text.replace(
        "{text: Polycarbonate, feedback: That is a modern material.,",
        "{text: '<img src=x onerror=alert(1)>', feedback: '<script>alert(2)</script>',",
    )
    text = text.replace("explanation: The old card was paper under a film.", f"explanation: {json.dumps(payload)}")
    quiz.write_text(text)
    glossary = course_dir / "lessons/glossary.yaml"
    glossary.write_text(glossary.read_text().replace("A small computer in the card.", json.dumps(payload)))
    with app.app_context():
        import_course(course_dir)
    auth.as_role("student", "sam")
    pages = [
        "/courses/sample-course",
        "/courses/sample-course/lessons/what-a-card-is",
        "/courses/sample-course/glossary",
        "/courses/sample-course/quizzes/basics-quiz",
    ]
    attempt_url = client.post("/courses/sample-course/quizzes/basics-quiz/start").location
    pages.append(attempt_url)
    client.post(attempt_url, data={"action": "submit", "confirmed": "yes", "q-body": "0"})
    pages.append(attempt_url)
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        body = parse(html).one("main").html
        # The platform's own forms (mark complete, answer, sign out) are expected; nothing else is.
        assert active_content(body, allowed_tags={"form", "input", "button"}) == [], page
