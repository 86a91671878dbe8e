"""The interface's language and time zone: gettext catalogues through Flask-Babel, a language switch that works
without JavaScript and for visitors who are not signed in, and dates shown in the site's time zone.

The language of a page is the account's choice, else the visitor's choice this session, else the browser's
Accept-Language, else the site's default (DEFAULT_LANGUAGE). Course content keeps its own language: templates mark it
with `lang` on the element that holds it, so a Korean lesson inside an English interface is read correctly."""

from functools import cache
from pathlib import Path

import pytz
from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, get_locale, get_timezone, get_translations
from flask_login import current_user
from markupsafe import Markup

from course.extensions import db
from course.redirects import safe_next

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCE_LANGUAGE = "en"  # the language the code and templates are written in

babel = Babel()
bp = Blueprint("i18n", __name__)


def N_(text: str) -> str:
    """Marks text for the catalogue and leaves it English where it is written: it is translated where it is shown
    (a privacy declaration, an audit label, a teacher's guide heading)."""
    return text


@cache
def interface_languages() -> tuple[str, ...]:
    """The languages the interface is available in: English and every language with a compiled catalogue."""
    translated = sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"))
    return (SOURCE_LANGUAGE, *translated)


@cache
def translations_for(language: str) -> NullTranslations:
    """The catalogue of one language, for text written in a language other than the reader's: course content
    renders the words it adds in the course's language, whoever imports it."""
    return Translations.load(str(TRANSLATIONS), [language.replace("-", "_")])  # NullTranslations if none


@cache
def language_name(code: str) -> str:
    """A language's name in that language ("한국어", "English"), as people look for their own."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def text_direction(code: str) -> str:
    """`rtl` for scripts written right to left, so the same templates serve them."""
    return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"


def select_language() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    supported = interface_languages()
    if has_request_context():
        chosen = current_user.language if current_user.is_authenticated else None
        chosen = chosen or session.get("language")
        if chosen in supported:
            return chosen
        browser = request.accept_languages.best_match(supported)
        if browser:
            return browser
    default = current_app.config["DEFAULT_LANGUAGE"]
    return default if default in supported else SOURCE_LANGUAGE


def select_time_zone() -> str:
    """Every page shows times in the site's time zone (TIME_ZONE), the one the school's clocks show."""
    return current_app.config["TIME_ZONE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with Lanyard's selectors and give templates the language switch's data."""
    app.config.setdefault("DEFAULT_LANGUAGE", SOURCE_LANGUAGE)
    app.config.setdefault("TIME_ZONE", "UTC")
    Locale.parse(app.config["DEFAULT_LANGUAGE"])  # a misspelt setting stops the app at start, not on a page
    babel.init_app(
        app,
        default_locale=SOURCE_LANGUAGE,
        default_timezone=app.config["TIME_ZONE"],
        locale_selector=select_language,
        timezone_selector=select_time_zone,
    )
    pytz.timezone(app.config["TIME_ZONE"])  # an unknown zone stops the app at start, not on a page
    # Templates translate through the request's catalogue, looked up once per request (Flask-Babel's own callables
    # look it up for every string, and Jinja's wrappers add a context call to each: a page has dozens). The
    # functions keep Jinja's "newstyle" rules: always %-formatted, values escaped, the translation trusted.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by Jinja's i18n extension
        _page_gettext, _page_ngettext, newstyle=True
    )
    app.jinja_env.globals.update(_=_page_gettext, gettext=_page_gettext, ngettext=_page_ngettext)
    app.register_blueprint(bp)
    app.add_template_global(timestamp)
    app.add_template_global(text_direction)

    app.context_processor(language_context)


def language_context() -> dict:
    """What every template may ask of the reader's language and time zone (and course.fragments gives its macros)."""
    code = str(get_locale())
    return {
        "interface_language": code,
        "interface_direction": text_direction(code),
        "interface_languages": tuple((language, language_name(language)) for language in interface_languages()),
        "time_zone_name": str(get_timezone()),
    }


def _request_translations():
    """The reader's catalogue, found once per request however many strings the page translates."""
    if not has_request_context():
        return get_translations()
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


def _page_gettext(message: str, /, **values) -> Markup:
    return Markup(_request_translations().ugettext(message)) % values  # noqa: S704 — our catalogue, as Jinja trusts it


def _page_ngettext(singular: str, plural: str, number: int, /, **values) -> Markup:
    values.setdefault("num", number)
    return Markup(_request_translations().ungettext(singular, plural, number)) % values  # noqa: S704


def timestamp(moment, format: str = "medium") -> Markup:
    """A stored UTC time as the reader's language writes it, in the site's time zone, inside a <time> element
    that keeps the exact instant for machines."""
    from flask_babel import format_date, format_datetime

    if moment is None:
        return Markup("—")
    if not hasattr(moment, "hour"):
        return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), format_date(moment, format))
    return Markup('<time datetime="{}Z">{}</time>').format(
        moment.replace(tzinfo=None).isoformat(timespec="seconds"), format_datetime(moment, format)
    )


@bp.post("/language")
def choose_language():
    """The language switch on every page: remembered in the session, and on the account when signed in.
    An empty choice goes back to following the browser."""
    chosen = request.form.get("language", "")
    if chosen and chosen not in interface_languages():
        chosen = ""
    if chosen:
        session["language"] = chosen
    else:
        session.pop("language", None)
    if current_user.is_authenticated:
        current_user.language = chosen or None
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("learn.catalog"))
