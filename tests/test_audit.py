"""The audit trail: `record` (who, what, when; an address for sign-in events only, erased after
AUDIT_ADDRESS_DAYS), the events the features record, and the administrator's page and CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from course.audit import ACTIONS, COMMAND_LINE, purge_addresses, record
from course.extensions import db
from course.models import Attempt, AuditEvent, Classroom, Enrollment, LessonProgress, User
from course.models.users import utcnow


def all_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def add_events(app, count: int, action: str = "course.exported", **fields) -> None:
    with app.app_context():
        for number in range(count):
            db.session.add(
                AuditEvent(action=action, actor_name="someone", target=f"course c{number}", detail="", **fields)
            )
        db.session.commit()


# --- record ------------------------------------------------------------------------------------------------------


def test_record_names_actor_target_and_time_and_cleans_its_text(app, auth):
    user_id = auth.create("teach", "instructor")
    with app.app_context():
        teach = db.session.get(User, user_id)
        record("account.role", teach, actor=teach, detail="student → instructor\x00" + "x" * 600, commit=True)
        record("course.imported", "a\x00b\x07c" * 100, commit=True)  # no request: the command line
        with pytest.raises(ValueError, match="unknown audit action"):
            record("made.up")
    first, second = all_events(app)
    assert (first.actor_id, first.actor_name, first.target) == (user_id, "teach", "account teach")
    assert "\x00" not in first.detail and len(first.detail) == 500 and first.address is None
    assert second.actor_name == COMMAND_LINE and second.actor_id is None
    assert second.target.startswith("abcabc") and len(second.target) == 200
    assert abs(first.created_at - utcnow()) < timedelta(minutes=1)


def test_only_sign_in_events_keep_the_client_address(app):
    with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        record("signin.failed", "nobody")
        record("signin.locked", "nobody")
        record("account.created", "somebody")
        record("course.imported", "somebody", commit=True)
    assert [event.address for event in all_events(app)] == ["203.0.113.9", "203.0.113.9", None, None]


def test_no_address_is_kept_when_the_limit_is_zero(app):
    app.config["AUDIT_ADDRESS_DAYS"] = 0
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        record("signin.failed", "nobody", commit=True)
    assert all_events(app)[0].address is None


def test_old_addresses_are_erased_when_an_address_is_written(app):
    app.config["AUDIT_ADDRESS_DAYS"] = 3
    add_events(app, 1, "signin.failed", address="198.51.100.1", created_at=utcnow() - timedelta(days=4))
    add_events(app, 1, "signin.failed", address="198.51.100.2", created_at=utcnow() - timedelta(days=2))
    with app.test_request_context("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        record("signin.failed", "nobody", commit=True)
    assert [event.address for event in all_events(app)] == [None, "198.51.100.2", "203.0.113.9"]
    with app.app_context():
        assert purge_addresses() == 0


def test_old_addresses_are_erased_before_the_log_is_read(app, client, auth):
    add_events(app, 1, "signin.failed", address="198.51.100.1", created_at=utcnow() - timedelta(days=8))
    auth.as_role("admin")
    assert "198.51.100.1" not in client.get("/teach/admin/audit").get_data(as_text=True)
    assert "198.51.100.1" not in client.get("/teach/admin/audit.csv").get_data(as_text=True)
    assert all_events(app)[0].address is None


def test_learning_records_have_no_place_for_an_address(app):
    with app.app_context():
        for model in (LessonProgress, Attempt, Enrollment):
            columns = {column["name"] for column in inspect(db.engine).get_columns(model.__tablename__)}
            assert not {name for name in columns if "addr" in name or name in ("ip", "ip_address", "remote")}, model


# --- what the features record ------------------------------------------------------------------------------------


def test_account_administration_is_recorded(app, client, auth):
    auth.as_role("admin")
    client.post("/teach/admin/users/new", data={"username": "newbie", "role": "student"})
    with app.app_context():
        newbie = db.session.scalar(select(User.id).where(User.username == "newbie"))
    client.post(f"/teach/admin/users/{newbie}/role", data={f"user-{newbie}-role": "instructor"})
    client.post(f"/teach/admin/users/{newbie}/reset-password")
    client.post(f"/teach/admin/users/{newbie}/delete")
    recorded = [(e.action, e.actor_name, e.target, e.detail) for e in all_events(app)]
    assert recorded == [
        ("account.created", "admin", "account newbie", "as student"),
        ("account.role", "admin", "account newbie", "student → instructor"),
        ("account.password_reset", "admin", "account newbie", "one-time password issued by an administrator"),
        ("account.deleted", "admin", "account newbie", "was instructor"),
    ]


def test_class_codes_rosters_and_student_password_resets_are_recorded(app, client, auth):
    auth.as_role("instructor", "teach")
    with app.app_context():
        classroom_id = db.session.scalar(select(Classroom.id))
    client.post(f"/teach/classes/{classroom_id}/join-code")
    client.post(f"/teach/classes/{classroom_id}/open")
    client.post(f"/teach/classes/{classroom_id}/roster", data={"roster_text": "username,name\nana,Ana\nben,Ben\n"})
    with app.app_context():
        ana = db.session.scalar(select(User.id).where(User.username == "ana"))
    client.post(f"/teach/classes/{classroom_id}/students/{ana}/reset-password")
    recorded = [(e.action, e.detail) for e in all_events(app)]
    assert recorded == [
        ("class.join_code", "new code"),
        ("class.join_code", "code closed"),
        ("class.roster_imported", "2 student accounts created: ana, ben"),
        ("account.password_reset", "one-time password issued in class Default class"),
    ]
    assert {e.actor_name for e in all_events(app)} == {"teach"} and all(e.address is None for e in all_events(app))


# --- the administrator's page and export -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/teach/admin/audit", "/teach/admin/audit.csv"])
@pytest.mark.parametrize("role", ["student", "instructor"])
def test_only_administrators_read_the_log(client, auth, url, role):
    auth.as_role(role)
    assert client.get(url).status_code == 403


def test_the_log_is_paginated_newest_first_and_filtered_by_kind(app, client, auth):
    add_events(app, 55)
    add_events(app, 2, "account.deleted")
    auth.as_role("admin")
    page = client.get("/teach/admin/audit").get_data(as_text=True)
    assert "57 events." in page and "Page 1 of 2" in page and page.count("<tr>") == 51
    assert page.index("Account deleted</td>") < page.index("Course exported</td>")
    assert "course c0" in client.get("/teach/admin/audit?page=2").get_data(as_text=True)
    only = client.get("/teach/admin/audit?kind=account.deleted").get_data(as_text=True)
    assert "2 events." in only and "Course exported</td>" not in only
    assert "55 events." in client.get("/teach/admin/audit?kind=course").get_data(as_text=True)
    assert "57 events." in client.get("/teach/admin/audit?kind=<script>&page=x").get_data(as_text=True)
    assert client.get("/teach/admin/audit?page=99").status_code == 200


def test_the_log_page_runs_a_fixed_number_of_queries(app, client, auth, count_queries):
    auth.as_role("admin")
    add_events(app, 3)
    with count_queries() as few:
        client.get("/teach/admin/audit")
    add_events(app, 120)
    with count_queries() as many:
        client.get("/teach/admin/audit")
    assert few.n == many.n


def test_the_csv_export_holds_every_event_of_the_kind_spreadsheet_safe(app, client, auth):
    add_events(app, 3)
    with app.app_context():
        record("signin.failed", '=HYPERLINK("http://evil")', actor=None, commit=True)
    auth.as_role("admin")
    response = client.get("/teach/admin/audit.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Time (UTC)", "Action", "Kind", "Actor", "Target", "Detail", "Client address"]
    assert len(rows) == 5 and rows[1][1:3] == ["Sign-in failed", "signin.failed"]
    assert rows[1][4].startswith("'=")
    filtered = client.get("/teach/admin/audit.csv?kind=signin").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(filtered)))) == 2


def test_every_action_has_a_label_and_the_page_offers_it(client, auth):
    auth.as_role("admin")
    page = client.get("/teach/admin/audit").get_data(as_text=True)
    for action, label in ACTIONS.items():
        assert f'value="{action}"' in page and label in page
    assert 'href="/teach/admin/audit"' in client.get("/teach/admin/users").get_data(as_text=True)


# --- sign-in events (course.auth calls course.audit) -------------------------------------------------------------


def test_failed_sign_ins_are_recorded_with_the_address_and_never_an_unknown_username(app, client, auth):
    auth.create("sam")
    auth.login("sam", "wrong password")
    auth.login("my-password-typed-here", "x")
    failed = all_events(app)
    assert [(e.action, e.target, e.address, e.actor_name) for e in failed] == [
        ("signin.failed", "account sam", "127.0.0.1", ""),
        ("signin.failed", "unknown username", "127.0.0.1", ""),
    ]
    assert auth.login("sam").status_code == 302 and len(all_events(app)) == 2


def test_a_lockout_is_recorded_once_however_often_the_locked_form_is_sent(app, client, auth):
    auth.create("sam")
    app.config["LOGIN_LIMITS"] = "2 per minute"
    statuses = [auth.login("sam", "wrong password").status_code for _ in range(5)]
    assert statuses.count(429) >= 2
    locked = [e for e in all_events(app) if e.action == "signin.locked"]
    assert len(locked) == 1 and locked[0].target == "account sam" and locked[0].address == "127.0.0.1"
    assert "login-account" in locked[0].detail


def test_new_accounts_from_registration_are_recorded(app, client, auth):
    auth.create("teach", "instructor")
    with app.app_context():
        code = db.session.scalar(select(Classroom.join_code))
    client.post(
        "/register",
        data={
            "username": "newstudent",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
            "join_code": code,
        },
    )
    created = [e for e in all_events(app) if e.action == "account.created"]
    assert [(e.target, e.actor_name) for e in created] == [("account newstudent", "newstudent")]
