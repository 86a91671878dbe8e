"""The translation layer: every interface string goes through gettext, the Korean catalogue is complete and compiled,
and the language a visitor sees follows their choice, their browser, then the site's default."""

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from course import create_app
from course.extensions import db
from course.models import User
from tests.conftest import PASSWORD
from tests.dom import parse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "course" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def extracted_messages() -> dict[str, tuple]:
    """What `pybabel extract -F babel.cfg` finds, keyed by msgid (the singular for plurals)."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, (filename, lineno, message))
    return found


def korean_catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po, locale="ko")


def test_every_interface_string_is_in_the_korean_catalogue_translated_and_not_fuzzy():
    catalogue = korean_catalogue()
    problems = []
    for key, (filename, lineno, message) in sorted(extracted_messages().items()):
        entry = catalogue.get(key)
        where = f"{filename}:{lineno}: {key!r}"
        if entry is None:
            problems.append(f"{where} is not in the Korean catalogue (run the commands in docs/translating.md)")
        elif entry.fuzzy:
            problems.append(f"{where} is fuzzy in the Korean catalogue")
        elif isinstance(message, tuple) and not (isinstance(entry.string, tuple) and all(entry.string)):
            problems.append(f"{where} has no Korean plural form")
        elif not entry.string:
            problems.append(f"{where} has no Korean translation")
    assert not problems, "\n".join(problems)


def test_the_korean_catalogue_keeps_every_placeholder():
    """A translation that drops or renames %(name)s would fail at run time on the page that shows it."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    problems = []
    for entry in korean_catalogue():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        for text in strings:
            if set(placeholder.findall(text)) != wanted:
                problems.append(f"{ids[0]!r} → {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_korean_catalogue_matches_its_source():
    """The .mo the app loads is compiled from the .po under review (pybabel compile -d course/translations)."""
    compiled = io.BytesIO()
    write_mo(compiled, korean_catalogue())
    assert CATALOGUE.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
        "course/translations/ko/LC_MESSAGES/messages.mo is out of date: run pybabel compile -d course/translations"
    )


# --- nothing left hard-coded -------------------------------------------------------------------------------------

TRANSLATED_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "aria-roledescription"}
# Words that are the same in every language: the product's name, and notation shown as it is typed.
UNTRANSLATED_WORDS = {"Lanyard"}
JINJA = re.compile(r"\{#.*?#\}|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


class _TemplateText(HTMLParser):
    """Collects text and translatable attribute values left in a template once its Jinja is removed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "code", "kbd", "samp"}:
            self._skipping += 1
        self.found.extend(value for name, value in attrs if name in TRANSLATED_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code", "kbd", "samp"} and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.found.append(data)


def untranslated_template_text(source: str) -> list[str]:
    parser = _TemplateText()
    parser.feed(JINJA.sub(" ", source))
    words = []
    for text in parser.found:
        for word in re.findall(r"[^\W\d_][\w'’-]*", text):
            if word not in UNTRANSLATED_WORDS:
                words.append(text.strip())
                break
    return words


def test_untranslated_template_text_is_found():
    """The check below can fail: plain text, a bare attribute and a literal in a tag are all caught."""
    assert untranslated_template_text("<p>Hello</p>") == ["Hello"]
    assert untranslated_template_text('<img alt="A card" src="x">') == ["A card"]
    assert untranslated_template_text("<p>{{ _('Hello') }} · {{ name }}</p><code>flask run</code>") == []
    assert untranslated_template_text("{% trans %}Hello <b>you</b>{% endtrans %} Lanyard") == []


def test_no_template_shows_text_that_skips_the_catalogue():
    problems = []
    for template in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "course").rglob("*.html")):
        for text in untranslated_template_text(template.read_text()):
            problems.append(f"{template.relative_to(ROOT)}: {text!r}")
    assert not problems, "text not wrapped in _() or {% trans %}:\n" + "\n".join(problems)


# Calls whose text a person reads: the argument at the given position must come from gettext, never a literal.
# -1 is the last positional argument: content problems end with their message whatever comes before it
# (`problem(path, line, message)` in the loader, `problem(line, message)` in the scenario checker).
USER_FACING_CALLS = {
    "flash": 0,
    "ValidationError": 0,
    "abort": 1,
    "problem": -1,
    "report": -1,
    "warn": -1,
    "ContentProblem": -1,
    "_Problem": 0,
    "echo": 0,
    "ClickException": 0,
    "UsageError": 0,
    "BadParameter": 0,
    "SystemExit": 0,
    "BackupError": 0,
}
USER_FACING_KEYWORDS = {"label", "description", "message"}


def _is_literal_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[^\W\d_]{2,}", node.value))
    return isinstance(node, ast.JoinedStr)


def untranslated_python_text(source: str) -> list[int]:
    """Lines where a flash message, a validation error, a form field's label or a message keyword is a literal."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = USER_FACING_CALLS.get(name)
        if name.endswith("Field") and name[:1].isupper():
            position = 0
        if position is not None and len(node.args) > position and _is_literal_text(node.args[position]):
            lines.append(node.lineno)
        lines.extend(
            keyword.value.lineno
            for keyword in node.keywords
            if keyword.arg in USER_FACING_KEYWORDS and _is_literal_text(keyword.value)
        )
    return lines


def test_untranslated_python_text_is_found():
    assert untranslated_python_text("flash('Saved.')\nflash(_('Saved.'))") == [1]
    assert untranslated_python_text("x = StringField('Title', validators=[Length(message=f'{n}')])") == [1, 1]
    assert untranslated_python_text("abort(404, 'No such class.')\nabort(404, _('No such class.'))") == [1]
    assert untranslated_python_text("x = StringField(_l('Title'))\nflash(message)") == []
    assert untranslated_python_text(
        "self.problem(path, 3, f'no {key}')\nself.problem(4, _('Bad.'))\n"
        "click.echo('Done.')\nraise SystemExit(_('Failed.'))"
    ) == [1, 3]


def test_no_code_shows_text_that_skips_the_catalogue():
    problems = []
    for module in sorted((ROOT / "course").rglob("*.py")):
        for line in untranslated_python_text(module.read_text()):
            problems.append(f"{module.relative_to(ROOT)}:{line}")
    assert not problems, "user-facing text not wrapped in gettext:\n" + "\n".join(problems)


# --- choosing the language ---------------------------------------------------------------------------------------


def page_language(response) -> str:
    return parse(response.get_data(as_text=True)).one("html")["lang"]


@pytest.fixture
def site(auth):
    """A site past its first run, so pages are not redirected to setup."""
    auth.create("teacher", "admin")


def test_the_browser_language_is_used_for_visitors(client, site):
    korean = client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert page_language(korean) == "ko"
    assert "본문으로 건너뛰기" in korean.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "fr, en;q=0.5"})
    assert page_language(english) == "en"
    assert "Skip to content" in english.get_data(as_text=True)


def test_a_visitor_switches_language_without_javascript(client, site):
    response = client.post("/language", data={"language": "ko", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert page_language(client.get("/login", headers={"Accept-Language": "en"})) == "ko"
    client.post("/language", data={"language": "", "next": "/login"})
    assert page_language(client.get("/login", headers={"Accept-Language": "en"})) == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_the_language_switch_never_leads_to_another_site(client, site, target):
    response = client.post("/language", data={"language": "ko", "next": target})
    assert response.headers["Location"] == "/"


def test_a_refused_csrf_token_says_the_form_expired_in_the_readers_language(app, client, site):
    app.config["WTF_CSRF_ENABLED"] = True
    korean = client.post("/login", data={"username": "teacher"}, headers={"Accept-Language": "ko"})
    assert korean.status_code == 400
    assert "양식의 유효 시간이 지났습니다. 페이지를 새로 고친 뒤 다시 시도하세요." in korean.get_data(as_text=True)
    english = client.post("/login", data={"username": "teacher"}, headers={"Accept-Language": "en"})
    assert "The form expired. Reload the page and try again." in english.get_data(as_text=True)


def test_an_unknown_language_is_ignored(client, site):
    client.post("/language", data={"language": "xx-evil", "next": "/login"})
    assert page_language(client.get("/login")) == "en"


def test_an_accounts_choice_follows_it_to_every_browser(app, client, auth):
    auth.as_role("student", "minjun")
    client.post("/language", data={"language": "ko", "next": "/"})
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.username == "minjun")) == "ko"
    other_browser = app.test_client()
    other_browser.post("/login", data={"username": "minjun", "password": PASSWORD})
    assert page_language(other_browser.get("/", headers={"Accept-Language": "en"})) == "ko"


def test_the_site_default_applies_when_the_browser_says_nothing(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'default.sqlite'}",
            "DEFAULT_LANGUAGE": "ko",
            "TIME_ZONE": "Asia/Seoul",
        }
    )
    with app.app_context():
        db.create_all()
    page = app.test_client().get("/setup")
    assert page_language(page) == "ko"
    assert "Asia/Seoul" in page.get_data(as_text=True)


def test_a_misspelt_setting_stops_the_app_at_start(tmp_path):
    with pytest.raises(Exception, match="Klingon|unknown|Unknown"):
        create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path), "TIME_ZONE": "Mars/Klingon"})


def test_times_are_written_in_the_readers_language_and_the_sites_zone(app):
    from datetime import datetime

    from course.i18n import timestamp

    moment = datetime(2026, 3, 1, 15, 30)
    app.config["TIME_ZONE"] = "Asia/Seoul"
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        korean = str(timestamp(moment))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = str(timestamp(moment))
    assert 'datetime="2026-03-01T15:30:00Z"' in korean
    assert "2026. 3. 2." in korean and "오전 12:30" in korean  # 15:30 UTC is 00:30 the next day in Seoul
    assert "Mar 2, 2026" in english


def untranslated_script_text(source: str) -> list[str]:
    """Sentences written into a script: its words must come from the page (data-text-* attributes)."""
    code = re.sub(r"^\s*//.*$|/\*.*?\*/", "", source, flags=re.M | re.S)
    literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', code)
    return [text for pair in literals for text in pair if re.search(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}", text)]


def test_untranslated_script_text_is_found():
    assert untranslated_script_text('status.textContent = "Answers saved.";') == ["Answers saved."]
    assert untranslated_script_text('// "A comment"\nx = text.textSaved; y = "same-origin";') == []


def test_no_script_writes_text_that_skips_the_catalogue():
    problems = [
        f"{script.relative_to(ROOT)}: {text!r}"
        for script in sorted((ROOT / "course" / "static").glob("*.js"))
        for text in untranslated_script_text(script.read_text())
    ]
    assert not problems, "text written by a script instead of taken from the page:\n" + "\n".join(problems)
