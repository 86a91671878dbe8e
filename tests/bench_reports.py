"""Benchmark of the class reports at school size: 500 students, the bundled course, a 50-question final.

Not collected by pytest (the name does not start with test_); timings belong here, never in a timed test.
Run from the repository root:

    .venv/bin/python tests/bench_reports.py [--students 500] [--runs 5]

It builds a temporary SQLite database (or uses DATABASE_URL when set — a throwaway database, it is emptied),
imports the bundled course with its final assessment grown to 50 questions, seeds the students with lesson
progress and submitted attempts through the real attempt code, then times each report page through the test
client (routing, queries, Python and templates included) and prints the medians with their query counts.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import event, select
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402
from course.classroom.item_analysis import QuestionInfo, analyse_answers  # noqa: E402
from course.classroom.roster import create_student_accounts, read_roster  # noqa: E402
from course.content import import_course  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import (  # noqa: E402
    Attempt,
    AttemptSummary,
    Classroom,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    QuestionSet,
    Quiz,
    User,
)
from course.models.users import utcnow  # noqa: E402
from course.quiz.attempts import start_attempt, submit_attempt  # noqa: E402

PASSWORD = "bench password 1"
FINAL_QUESTIONS = 50


def course_with_a_50_question_final(target: Path) -> Path:
    """A copy of the bundled course whose final assessment holds 50 questions, borrowed from the module quizzes."""
    shutil.copytree(ROOT / "lessons", target / "lessons")
    shutil.copytree(ROOT / "quizzes", target / "quizzes")
    final_path = target / "quizzes" / "final-assessment.yaml"
    final = yaml.safe_load(final_path.read_text(encoding="utf-8"))
    borrowed = []
    for path in sorted((target / "quizzes").glob("*.yaml")):
        if path != final_path:
            borrowed += [
                {**question, "id": f"{path.stem[:20]}-{question['id']}"}
                for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
            ]
    final["questions"] = (final["questions"] + borrowed)[:FINAL_QUESTIONS]
    final["max_attempts"] = 0
    assert len(final["questions"]) == FINAL_QUESTIONS
    final_path.write_text(yaml.safe_dump(final, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def response_for(question: dict, ability: float, rng: random.Random):
    """A plausible answer: right with a probability that grows with the student's ability."""
    right = rng.random() < ability
    kind, private = question["type"], question["private"]
    if kind == "single":
        wrong = [i for i in range(len(private["texts"])) if i not in private["correct"]]
        return private["correct"][0] if right or not wrong else rng.choice(wrong)
    if kind == "multiple":
        return sorted(private["correct"]) if right else sorted(rng.sample(range(len(private["texts"])), 2))
    if kind == "true_false":
        return private["answer"] if right else not private["answer"]
    if kind == "short_text":
        return private["accept"][0] if right else rng.choice(["no idea", "a photo", "the address"])
    return f"{private['answer']:g}" if right else f"{private['answer'] + rng.randint(5, 50):g}"


def seed(app, students: int, rng: random.Random) -> tuple[int, int, str]:
    """Students with lesson progress and submitted attempts; returns (class id, one student id, final quiz slug)."""
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        teacher = User(username="teacher", role="instructor", password_hash=password_hash)
        db.session.add(teacher)
        course = db.session.scalar(select(Course))
        classroom = Classroom(name="Year 10 (bench)", owner=teacher, course_id=course.id)
        users = [
            User(username=f"student{n:04d}", display_name=f"Student {n}", role="student", password_hash=password_hash)
            for n in range(students)
        ]
        db.session.add_all([classroom, *users])
        db.session.flush()
        db.session.add_all(Enrollment(user_id=user.id, classroom_id=classroom.id) for user in users)
        lessons = db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)).all()
        now = utcnow()
        for user in users:
            for lesson_id in lessons[: rng.randint(0, len(lessons))]:
                moment = now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
                db.session.add(
                    LessonProgress(user_id=user.id, lesson_id=lesson_id, last_viewed_at=moment, completed_at=moment)
                )
        db.session.commit()
        quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).all()
        final = next(quiz for quiz in quizzes if quiz.is_final)
        for user in users:
            ability = rng.uniform(0.3, 0.95)
            for quiz in quizzes:
                attempts = rng.randint(1, 2) if quiz.is_final else rng.randint(0, 1)
                for _ in range(attempts):
                    attempt = start_attempt(quiz, user.id)
                    responses = {q["key"]: response_for(q, ability, rng) for q in attempt.snapshot}
                    submit_attempt(attempt, responses, quiz.pass_mark)
        return classroom.id, users[0].id, final.slug


def timed_pages(app, client, urls: list[str], runs: int) -> list[tuple[str, float, float, int, int]]:
    """(url, median ms, min ms, queries, bytes) for each page, after one warm-up request."""
    with app.app_context():
        engine = db.engine
    queries = []

    def count(*args):
        queries.append(1)

    event.listen(engine, "before_cursor_execute", count)
    results = []
    for url in urls:
        client.get(url)
        timings = []
        for _ in range(runs):
            queries.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results.append((url, statistics.median(timings), min(timings), len(queries), len(response.data)))
    event.remove(engine, "before_cursor_execute", count)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        config = {
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_LIMITS": "1000 per minute",
            "LOG_LEVEL": "WARNING",
            "INSTANCE_PATH": str(workdir / "instance"),
        }
        if not os.environ.get("DATABASE_URL"):
            config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{workdir / 'bench.sqlite'}"
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            import_course(course_with_a_50_question_final(workdir / "course"))
        started = time.perf_counter()
        classroom_id, student_id, final_slug = seed(app, arguments.students, rng)
        print(
            f"Seeded {arguments.students} students in {time.perf_counter() - started:.1f} s "
            f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]})"
        )
        with app.app_context():
            print(
                f"Attempts: {db.session.query(Attempt).count()}, lesson records: "
                f"{db.session.query(LessonProgress).count()}"
            )

        client = app.test_client()
        assert client.post("/login", data={"username": "teacher", "password": PASSWORD}).status_code == 302
        base = f"/teach/classes/{classroom_id}"
        urls = [
            f"{base}/gradebook",
            f"{base}/gradebook?sort=best:{final_slug}&dir=desc",
            f"{base}/gradebook.csv",
            f"{base}/quizzes/{final_slug}/analysis",
            f"{base}/students/{student_id}",
            base,
        ]
        print(f"\n{'page':<62} {'median':>9} {'min':>9} {'queries':>8} {'size':>9}")
        for url, median, fastest, queries, size in timed_pages(app, client, urls, arguments.runs):
            print(f"{url:<62} {median:>7.0f}ms {fastest:>7.0f}ms {queries:>8} {size / 1024:>7.0f}kB")

        with app.app_context():
            quiz = db.session.scalar(select(Quiz).where(Quiz.slug == final_slug))
            stored = db.session.execute(select(QuestionSet.digest, QuestionSet.questions))
            sets = {digest: (asked, []) for digest, asked in stored}
            for digest, answers in db.session.execute(
                select(AttemptSummary.question_set, AttemptSummary.answers)
                .join(Attempt, Attempt.id == AttemptSummary.attempt_id)
                .where(Attempt.quiz_id == quiz.id, Attempt.number == 1)
            ):
                sets[digest][1].append(answers)
            questions = [
                QuestionInfo(q.key, q.type, q.prompt_html, q.objective, q.spec.get("choices", []))
                for q in quiz.questions
            ]
            started = time.perf_counter()
            stats = analyse_answers(questions, sets.values())
            print(
                f"\nanalyse_answers alone (pure Python over the stored summaries, {stats.students} attempts x "
                f"{len(stats.items)} questions): {(time.perf_counter() - started) * 1000:.0f} ms"
            )

            roster = "\n".join(f"new{n:04d},New student {n}" for n in range(arguments.students)).encode()
            classroom = db.session.get(Classroom, classroom_id)
            started = time.perf_counter()
            issued = create_student_accounts(read_roster(roster), classroom)
            print(
                f"Roster import of {len(issued)} students (check, hash one-time passwords, commit): "
                f"{time.perf_counter() - started:.1f} s"
            )
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
