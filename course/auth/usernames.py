"""The username rule, in one place: registration, sign-in, roster imports, the accounts page and the CLI use it.

A username may be written in any script: it is NFKC-normalised and case-folded, so "MinJun", "minjun" and the
full-width "ｍｉｎｊｕｎ" are one account. Look-alikes are refused with Unicode's own data (UTS #39, through the
confusable-homoglyphs package, which ships it): letters of two scripts in one name ("pаypal" with a Cyrillic а),
except the writing systems that mix scripts by nature (Japanese, Chinese with Bopomofo, Korean with Hanja), and a
name whose confusable skeleton is that of an existing account ("рау" in Cyrillic when "pay" exists; two plain-ASCII
names are left alone, as before). Invisible and control characters are refused.
Names stored before this rule (lower-case ASCII) normalise to themselves, so every existing account keeps working.
"""

import unicodedata
from collections.abc import Iterable
from functools import cache
from types import ModuleType

from babel import Locale
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from course.extensions import db
from course.models import User

MIN_LENGTH = 2  # "민준", "王芳": two-syllable names are common in Korean and Chinese
MAX_LENGTH = 40  # the column's size; counted in characters after normalisation
PUNCTUATION = "._-"
MAX_MARKS_IN_A_ROW = 3  # Thai and Devanagari stack two or three; more is "Zalgo" text drawn over other letters
# UTS #39 "highly restrictive" combinations of scripts that one writing system uses, without its Latin addition:
# Latin next to Hangul or kana is rarely a name, and Unicode's data does not pair Hangul ㅇ and ㅣ with Latin o and l,
# so a "paypaㅣ" could not be caught by its skeleton.
WRITING_SYSTEMS = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA"}),  # Japanese
    frozenset({"HAN", "BOPOMOFO"}),  # Chinese with zhuyin
    frozenset({"HAN", "HANGUL"}),  # Korean with Hanja
)
NO_SCRIPT = frozenset({"COMMON", "INHERITED"})
# Letters of no script of their own that names need: the Japanese long-vowel mark and the Hawaiian ʻokina and
# the modifier apostrophe (Ukrainian, Hawaiian). Other such "letters" (ˍ, ـ, …) imitate punctuation or are blank.
COMMON_LETTERS = frozenset("\u30fc\u02bb\u02bc")
# Default_Ignorable_Code_Point characters (Unicode's DerivedCoreProperties.txt) that are not format controls:
# they draw nothing (the Hangul fillers, variation selectors, the combining grapheme joiner).
INVISIBLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


class UsernameError(ValueError):
    """Why a username cannot be used, in words a student can act on (`str(error)`)."""


def fold_username(raw: str | None) -> str:
    """The form a username is stored and looked up under (NFKC, case-folded, trimmed); never refuses, so sign-in
    and look-ups by name find an account however its name was typed."""
    text = unicodedata.normalize("NFKC", (raw or "").strip())
    return unicodedata.normalize("NFKC", text.casefold()).strip()


def normalise_username(raw: str | None) -> str:
    """The username `raw` stands for, normalised; raises UsernameError when it cannot be a username."""
    name = fold_username(raw)
    if not name:
        raise UsernameError(_("Choose a username."))
    for char in name:
        _check_character(char)
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise UsernameError(
            _(
                "Use %(least)d to %(most)d characters: letters of any alphabet, digits, dots, hyphens "
                "or underscores (this one has %(count)d).",
                least=MIN_LENGTH,
                most=MAX_LENGTH,
                count=len(name),
            )
        )
    if not _is_letter(name[0]) and not _is_digit(name[0]):
        raise UsernameError(_("Start the username with a letter or a digit."))
    _check_marks(name)
    _check_digits(name)
    _check_scripts(name)
    return name


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc")


def _check_character(char: str) -> None:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp") or any(a <= ord(char) <= b for a, b in INVISIBLE_RANGES):
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        raise UsernameError(
            _(
                "The username holds an invisible or control character (%(name)s). Type the username again by hand.",
                name=name,
            )
        )
    if category == "Zs":
        raise UsernameError(_("A username cannot hold spaces. Use a dot, hyphen or underscore instead."))
    allowed = char in PUNCTUATION or _is_digit(char) or _is_mark(char) or _is_letter(char)
    if allowed and _is_letter(char) and _scripts().alias(char) == "COMMON":
        allowed = char in COMMON_LETTERS
    if not allowed:
        raise UsernameError(
            _(
                "“%(character)s” cannot be in a username. Use letters of any alphabet, digits, dots, "
                "hyphens or underscores.",
                character=char,
            )
        )


def _check_marks(name: str) -> None:
    """Accents belong on a letter: none first, no heap of them, never the same one twice on a letter."""
    run = 0
    name = unicodedata.normalize("NFD", name)
    for previous, char in zip(" " + name, name, strict=False):
        run = run + 1 if _is_mark(char) else 0
        if run and not (_is_letter(previous) or _is_mark(previous)):
            raise UsernameError(_("An accent or vowel sign in the username stands on no letter."))
        if run > MAX_MARKS_IN_A_ROW or (run > 1 and char == previous):
            raise UsernameError(_("A letter of the username carries too many accents or signs."))


def _check_digits(name: str) -> None:
    """Digits of one number system only (UTS #39 mixed numbers); a name of digits only uses 0-9, so "١٢٣" and
    "123" are not two accounts that read alike."""
    zeros = {ord(char) - unicodedata.digit(char) for char in name if _is_digit(char)}
    if len(zeros) > 1:
        raise UsernameError(_("Use digits of one kind: this username mixes digits of two number systems."))
    if zeros and zeros != {ord("0")} and not any(_is_letter(char) for char in name):
        raise UsernameError(_("A username of digits only uses the digits 0 to 9."))


def scripts_of(name: str) -> frozenset[str]:
    """The scripts of a name's letters and digits (Unicode's Scripts.txt), leaving out those of no script."""
    aliases = _scripts().alias
    return frozenset(aliases(char) for char in name) - NO_SCRIPT


def _check_scripts(name: str) -> None:
    scripts = scripts_of(name)
    if not scripts and not any(_is_digit(char) for char in name):
        raise UsernameError(_("A username needs at least one letter of an alphabet or one digit."))
    if len(scripts) <= 1 or any(scripts <= system for system in WRITING_SYSTEMS):
        return
    raise UsernameError(
        _(
            "Use the letters of one alphabet: this username mixes %(scripts)s letters, the way names "
            "that imitate someone else's are made.",
            scripts=_script_names(scripts),
        )
    )


def _script_names(scripts: Iterable[str]) -> str:
    """ "Cyrillic and Latin", or "로마자 및 키릴 문자": the scripts' names in the interface's language (CLDR's, by way
    of their English names; a script CLDR does not name keeps its Unicode name)."""
    locale = get_locale() or Locale("en")
    codes = {name.upper(): code for code, name in Locale("en").scripts.items()}
    names = []
    for script in scripts:
        code = codes.get(script.replace("_", " "))
        names.append(locale.scripts[code] if code in locale.scripts else script.replace("_", " ").title())
    return format_list(sorted(names), locale=locale)


@cache
def _scripts() -> ModuleType:
    """confusable-homoglyphs' script table (Unicode's Scripts.txt). The package reads its tables when imported,
    about 7 MiB with the confusables: imported here, only a process that checks a new username holds them, not
    every worker serving pages."""
    from confusable_homoglyphs import categories

    return categories


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → the one prototype of its class in Unicode's confusables.txt.

    The package keeps each line "source → prototype" as links both ways, so a class is a star around its prototype;
    the prototype is the member linked to all the others (for a pair, the longer or lower one: any choice that is
    the same for both members gives equal skeletons)."""
    from confusable_homoglyphs import confusables

    links: dict[str, set[str]] = {}
    for source, found in confusables.confusables_data.items():
        source = source.replace("\u200e", "")  # the package wraps right-to-left characters in LRMs
        for target in (entry["c"].replace("\u200e", "") for entry in found):
            if source and target and source != target:
                links.setdefault(source, set()).add(target)
                links.setdefault(target, set()).add(source)
    prototypes: dict[str, str] = {}
    for start in links:
        if start in prototypes:
            continue
        members, todo = {start}, [start]
        while todo:
            for linked in links[todo.pop()] - members:
                members.add(linked)
                todo.append(linked)
        prototype = max(members, key=lambda member: (len(links[member]), len(member), -ord(member[0])))
        prototypes.update((member, prototype) for member in members if len(member) == 1)
    return prototypes


def skeleton(name: str) -> str:
    """UTS #39's skeleton: two names with the same skeleton look alike ("pay" and the Cyrillic "рау")."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in decomposed))


def _confusable(name: str, other: str) -> bool:
    """Two different names with one skeleton, unless both are plain ASCII: accounts such as "bill1" and "billl" could
    be made before this rule, and refusing one now would refuse names nobody mistakes across scripts."""
    return other != name and not (other.isascii() and name.isascii())


def lookalike_in(name: str, others: Iterable[str]) -> str | None:
    """The first of `others` that looks like `name` without being it, or None."""
    own = skeleton(name)
    return next((other for other in others if _confusable(name, other) and skeleton(other) == own), None)


class Lookalikes:
    """Names by skeleton, to check many names at once: a roster against the site and against its own rows."""

    def __init__(self, names: Iterable[str] = ()):
        self._by_skeleton: dict[str, list[str]] = {}
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self._by_skeleton.setdefault(skeleton(name), []).append(name)

    def of(self, name: str) -> str | None:
        """A name held here that looks like `name` without being it, or None."""
        return next((other for other in self._by_skeleton.get(skeleton(name), ()) if _confusable(name, other)), None)


def existing_lookalike(name: str) -> str | None:
    """The existing account whose username looks like `name` (one query over the usernames), or None."""
    return lookalike_in(name, db.session.scalars(select(User.username)))
