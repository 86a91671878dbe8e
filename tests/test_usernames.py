"""Usernames in any script: the rule as a pure function (many scripts, many attacks), then registration, sign-in,
roster imports, the accounts page and the CLI, which all use it."""

import random
import re
import unicodedata
from io import BytesIO

import pytest
from sqlalchemy import func, select

from course.auth.usernames import (
    UsernameError,
    fold_username,
    lookalike_in,
    normalise_username,
    scripts_of,
    skeleton,
)
from course.extensions import db
from course.models import Classroom, User
from tests.dom import parse
from tests.test_classroom import one_time_passwords

GOOD = "a long enough password"
HANGUL_DECOMPOSED = "\u1106\u1175\u11ab\u110c\u116e\u11ab"  # 민준 as conjoining jamo, as some keyboards send it


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("민준", "민준"),
        (HANGUL_DECOMPOSED, "민준"),
        ("MinJun", "minjun"),
        ("ｍｉｎｊｕｎ", "minjun"),  # full-width
        ("ＭｉｎＪｕｎ", "minjun"),
        ("  sam  ", "sam"),
        ("Иван", "иван"),
        ("Αλέξανδρος", "αλέξανδροσ"),  # case folding makes the final sigma a sigma
        ("José.García", "josé.garcía"),
        ("Jose\u0301", "josé"),  # a combining accent is composed
        ("Straße", "strasse"),
        ("ﬁsh_2", "fish_2"),
        ("محمد", "محمد"),
        ("محمد١٢", "محمد١٢"),  # Arabic letters with Arabic-Indic digits
        ("שרה", "שרה"),
        ("अनुष्का", "अनुष्का"),
        ("ก้องภพ", "ก้องภพ"),
        ("王芳", "王芳"),
        ("田中たろう", "田中たろう"),  # Han + Hiragana: Japanese
        ("タロー", "タロー"),  # the long-vowel mark has no script of its own
        ("김民俊", "김民俊"),  # Hangul + Han: Korean with Hanja
        ("ㄅㄆ王", "ㄅㄆ王"),  # Bopomofo + Han
        ("Kaʻiulani", "kaʻiulani"),
        ("2024017", "2024017"),  # a student number, as schools use
        ("ana-lopez_2", "ana-lopez_2"),
        ("x" * 40, "x" * 40),
    ],
)
def test_names_of_any_script_are_normalised(typed, stored):
    assert normalise_username(typed) == stored
    assert fold_username(typed) == stored
    assert normalise_username(stored) == stored  # normalising twice changes nothing


@pytest.mark.parametrize(
    "typed, why",
    [
        ("pаypal", "one alphabet"),  # a Cyrillic а among Latin letters
        ("Аlice", "one alphabet"),
        ("раураl", "Cyrillic and Latin"),
        ("paypa١", "Arabic and Latin"),  # an Arabic-Indic one for an l
        ("김minjun", "Hangul and Latin"),
        ("παυλοs", "Greek and Latin"),
        ("ab\u200dc", "invisible"),  # zero-width joiner
        ("ab\u200bc", "invisible"),  # zero-width space
        ("ab\u2060c", "invisible"),  # word joiner
        ("\u202eabc", "invisible"),  # right-to-left override
        ("abc\u00ad", "invisible"),  # soft hyphen
        ("\u3164abc", "invisible"),  # Hangul filler: a letter that draws nothing
        ("ab\ufe0fc", "invisible"),  # variation selector
        ("a\u034fb", "invisible"),  # combining grapheme joiner
        ("ab\x00c", "control"),
        ("a b", "spaces"),
        ("a\u3000b", "spaces"),  # the ideographic space
        ("", "Choose a username"),
        ("   ", "Choose a username"),
        ("x", "Use 2 to 40 characters"),
        ("x" * 41, "Use 2 to 40 characters"),
        ("가" * 41, "Use 2 to 40 characters"),
        (".abc", "Start the username with a letter or a digit"),
        ("_abc", "Start the username"),
        ("\u0301ab", "Start the username"),
        ("a😀", "cannot be in a username"),
        ("a\U000e0001b", "invisible"),  # a language tag
        ("a\ue000b", "cannot be in a username"),  # private use
        ("ーー", "at least one letter"),  # marks of no script alone
        ("a@b", "cannot be in a username"),
        ("a/b", "cannot be in a username"),
        ("o'neil", "cannot be in a username"),
        ("ann\u02cdlee", "cannot be in a username"),  # a modifier letter drawn like an underscore
        ("مـحمد", "cannot be in a username"),  # the tatweel, a stretching stroke
        ("a\u20ddb", "cannot be in a username"),  # an enclosing circle
        ("١٢٣", "digits only"),
        ("12٣", "digits of one kind"),
        ("अ१२3", "digits of one kind"),
        ("e\u0301\u0301x", "too many accents"),
        ("ze\u0301\u0302\u0303\u0304", "too many accents"),  # "Zalgo" text
    ],
)
def test_look_alikes_invisible_characters_and_junk_are_refused_with_a_reason(typed, why):
    with pytest.raises(UsernameError, match=re.escape(why)):
        normalise_username(typed)


def test_the_error_is_a_value_error_a_student_can_read():
    with pytest.raises(ValueError) as raised:
        normalise_username("ab\u200dc")
    assert "ZERO WIDTH JOINER" in str(raised.value) and "Type the username again" in str(raised.value)


def test_every_username_valid_before_stays_the_same():
    """Names stored before this rule matched [a-z0-9][a-z0-9._-]{2,39}: NFKC and case folding leave plain lower-case
    ASCII as it is, so every existing account is found under the name it has."""
    alphabet, first = "abcdefghijklmnopqrstuvwxyz0123456789._-", "abcdefghijklmnopqrstuvwxyz0123456789"
    draw = random.Random(15)
    names = ["former-0a1b2c3d4e5f", "ok.one", "a..", "0-_", "9" * 40]
    names += [draw.choice(first) + "".join(draw.choices(alphabet, k=draw.randint(2, 39))) for _ in range(2000)]
    for name in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]{2,39}", name)
        assert normalise_username(name) == name == fold_username(name)


def test_fold_never_refuses_so_sign_in_can_look_anything_up():
    assert fold_username("pаypal") == "pаypal"
    assert fold_username(None) == "" and fold_username(" ＳＡＭ ") == "sam"


def test_scripts_leave_out_digits_and_punctuation():
    assert scripts_of("ana_2.b") == {"LATIN"} and scripts_of("2024") == frozenset()
    assert scripts_of("田中たろう") == {"HAN", "HIRAGANA"}


@pytest.mark.parametrize(
    "name, existing",
    [
        ("рау", "pay"),  # all Cyrillic, every letter drawn like a Latin one
        ("pay", "рау"),  # and the other way round
        ("ѕсоре", "scope"),
        ("ορα", "opa"),  # Greek
        ("ılker", "ilker"),  # the dotless i
        ("ロロ", "口口"),  # Katakana ro and the Han "mouth"
        ("ѕаѕһа", "sasha"),
    ],
)
def test_a_name_whose_skeleton_is_an_existing_accounts_is_a_lookalike(name, existing):
    assert skeleton(name) == skeleton(existing)
    assert lookalike_in(name, ["someone", existing]) == existing


def test_different_names_and_plain_ascii_pairs_are_not_lookalikes():
    assert lookalike_in("민준", ["민준", "서연", "minjun"]) is None  # the same name is "taken", not a look-alike
    assert lookalike_in("иван", ["ivan", "nvah"]) is None
    # Accounts made before the rule may be "bill1" and "billl": plain ASCII pairs stay as they were.
    assert lookalike_in("billl", ["bill1"]) is None and lookalike_in("kirn", ["kim"]) is None


# Through the application


def open_registration(auth, client):
    auth.as_role("instructor", "teacher")
    client.post("/teach/open-registration")
    auth.logout()


def register(client, username: str, display_name: str = ""):
    data = {"username": username, "password": GOOD, "confirm": GOOD, "display_name": display_name}
    return client.post("/register", data=data)


def usernames(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.username)))


def test_a_korean_student_registers_and_signs_in_with_any_form_of_the_name(app, client, auth):
    open_registration(auth, client)
    assert register(client, "민준", display_name="김민준").status_code == 302
    client.post("/logout")
    assert usernames(app) == {"teacher", "민준"}
    assert auth.login(HANGUL_DECOMPOSED, GOOD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "민준")).display_name == "김민준"


def test_sign_in_finds_the_account_whatever_the_case_or_width(app, client, auth):
    open_registration(auth, client)
    assert register(client, "MinJun").status_code == 302
    client.post("/logout")
    assert "minjun" in usernames(app)
    for typed in ("ｍｉｎｊｕｎ", "MINJUN", " minJun "):
        assert auth.login(typed, GOOD).status_code == 302, typed
        client.post("/logout")
    assert register(client, "Νίκος").status_code == 302
    client.post("/logout")
    assert auth.login("ΝΊΚΟΣ", GOOD).status_code == 302


def test_registration_refuses_a_taken_name_in_another_width_and_lookalikes(app, client, auth):
    open_registration(auth, client)
    auth.create("pay")
    before = usernames(app)
    page = register(client, "ＴＥＡＣＨＥＲ").get_data(as_text=True)
    assert "This username is taken" in page
    page = register(client, "рау").get_data(as_text=True)  # Cyrillic
    assert "looks too much like one that is taken" in page
    page = register(client, "pаypal").get_data(as_text=True)
    assert "Use the letters of one alphabet" in page
    page = register(client, "zero\u200dwidth").get_data(as_text=True)
    assert "invisible" in page
    assert usernames(app) == before


def test_display_names_keep_any_script(app, client, auth):
    open_registration(auth, client)
    for username, shown in [("ana", "Ana Иванова-López"), ("seo", "이서연 (李瑞妍)"), ("sara", "سارة")]:
        assert register(client, username, display_name=shown).status_code == 302
        client.post("/logout")
        with app.app_context():
            assert db.session.scalar(select(User.display_name).where(User.username == username)) == shown


def import_roster(client, classroom_id: int, text: str):
    data = {"roster_file": (BytesIO(text.encode()), "roster.csv")}
    return client.post(f"/teach/classes/{classroom_id}/roster", data=data, content_type="multipart/form-data")


def teacher_class(app, auth) -> int:
    auth.as_role("instructor", "teacher")
    with app.app_context():
        return db.session.scalar(select(Classroom.id))


def test_a_roster_of_korean_names_creates_the_accounts_and_slips(app, client, auth):
    classroom = teacher_class(app, auth)
    minho = HANGUL_DECOMPOSED[:3] + "호"  # 민 as jamo, 호 composed
    roster = f"username,display name\n민준,김민준\n서연,이서연\nＪｉｗｏｏ,박지우\n{minho},최민호\n"
    page = import_roster(client, classroom, roster).get_data(as_text=True)
    assert "4 accounts created" in page
    assert {"민준", "서연", "jiwoo", "민호"} <= usernames(app)
    slips = dict(zip(parse(page).texts("dd.slip-secret")[::2], one_time_passwords(page), strict=True))
    assert "민준" in slips and all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){2}", secret) for secret in slips.values())
    client.post("/logout")
    assert auth.login("민준", slips["민준"]).status_code == 302


def test_a_roster_refuses_lookalikes_and_mixed_scripts_by_row_and_creates_nothing(app, client, auth):
    classroom = teacher_class(app, auth)
    auth.create("scope")
    with app.app_context():
        before = db.session.scalar(select(func.count(User.id)))
    roster = "pay,Pay\nрау,Cyrillic pay\npаypal,Mixed\nѕсоре,Looks like scope\n민준,Fine\nMinJun,Latin\nминjun,Mixed\n"
    page = import_roster(client, classroom, roster).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Row 2, column username: “рау” looks too much like “pay” in row 1." in page
    assert "Row 3, column username: “pаypal” cannot be a username. Use the letters of one alphabet" in page
    assert "Row 4, column username: “ѕсоре” looks too much like the account “scope” on this site." in page
    assert "Row 7, column username: “минjun” cannot be a username." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == before


def test_the_accounts_page_creates_an_account_under_the_normalised_name(app, client, auth):
    auth.as_role("admin", "boss")
    auth.create("scope")
    page = client.post("/teach/admin/users/new", data={"username": "ЅСОРЕ", "role": "student"}).get_data(as_text=True)
    assert "looks too much like the account “scope”" in page
    response = client.post("/teach/admin/users/new", data={"username": "Ｓｅｏ－Ｙｅｏｎ", "role": "instructor"})
    assert response.status_code == 200 and "seo-yeon" in usernames(app)
    assert "seo-yeon" in client.get("/teach/admin/users?q=ＳＥＯ").get_data(as_text=True)


def test_the_cli_creates_and_finds_accounts_by_the_normalised_name(app, runner):
    created = runner.invoke(args=["users", "create", "ＭｉｎＪｕｎ", "--role", "instructor", "--password", GOOD])
    assert created.exit_code == 0, created.output
    assert "Created instructor 'minjun'" in created.output
    korean = runner.invoke(args=["users", "create", "서연", "--password", GOOD])
    assert korean.exit_code == 0 and "'서연'" in korean.output
    assert usernames(app) == {"minjun", "서연"}
    promoted = runner.invoke(args=["users", "set-role", "MINJUN", "admin"])
    assert promoted.exit_code == 0 and "'minjun' is now admin" in promoted.output
    listed = runner.invoke(args=["users", "list"])
    assert "서연\tstudent" in listed.output


@pytest.mark.parametrize(
    "typed, why",
    [("pаypal", "one alphabet"), ("ab\u200dc", "invisible"), ("x", "Use 2 to 40"), ("МINJUN", "one alphabet")],
)
def test_the_cli_refuses_what_registration_refuses(app, runner, typed, why):
    result = runner.invoke(args=["users", "create", typed, "--password", GOOD])
    assert result.exit_code != 0 and why in result.output
    assert usernames(app) == set()


def test_the_cli_refuses_a_lookalike_of_an_existing_account(app, runner):
    assert runner.invoke(args=["users", "create", "pay", "--password", GOOD]).exit_code == 0
    result = runner.invoke(args=["users", "create", "рау", "--password", GOOD])
    assert result.exit_code != 0 and "looks too much like the account 'pay'" in result.output
    assert usernames(app) == {"pay"}


def test_normalised_names_are_nfc_so_the_database_compares_them_as_typed():
    for typed in ("민준", HANGUL_DECOMPOSED, "Jose\u0301", "ＭｉｎＪｕｎ", "अनुष्का"):
        stored = normalise_username(typed)
        assert unicodedata.is_normalized("NFC", stored) and unicodedata.is_normalized("NFKC", stored)


def test_a_korean_interface_explains_a_refused_name_in_korean(app, client, auth):
    open_registration(auth, client)
    korean = {"Accept-Language": "ko-KR,ko;q=0.9"}
    data = {"username": "pаypal", "password": GOOD, "confirm": GOOD}
    page = client.post("/register", data=data, headers=korean).get_data(as_text=True)
    assert "한 가지 문자로만 쓰세요" in page and "(로마자 및 키릴 문자)" in page
    data["username"] = "x"
    assert "2~40자로 정하세요" in client.post("/register", data=data, headers=korean).get_data(as_text=True)
