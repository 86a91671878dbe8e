"""Benchmark: import time and page timings on the bundled course (prints figures; never a pass/fail test).

Run: .venv/bin/python tests/bench_pages.py [REQUESTS]
"""

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course import create_app  # noqa: E402
from course.content import import_course  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import User  # noqa: E402


def main(requests: int) -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        summary = import_course(app.config["BUNDLED_COURSE_PATH"])
        first_import = time.perf_counter() - started
        started = time.perf_counter()
        import_course(app.config["BUNDLED_COURSE_PATH"])
        reimport = time.perf_counter() - started
        student = User(username="bench", role="student")
        student.set_password("bench password")
        db.session.add(student)
        db.session.commit()
        engine = db.engine
    print(
        f"import: {summary.lessons} lessons, {summary.questions} questions in {first_import * 1000:.0f} ms; "
        f"re-import {reimport * 1000:.0f} ms"
    )

    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench password"})
    attempt_url = client.post("/courses/chip-paper-state/quizzes/final-assessment/start").location
    pages = {
        "catalog": "/",
        "outline": "/courses/chip-paper-state",
        "lesson": "/courses/chip-paper-state/lessons/the-2019-reissue",
        "quiz overview": "/courses/chip-paper-state/quizzes/card-technology-quiz",
        "quiz attempt (25 questions)": attempt_url,
        "progress": "/progress",
    }
    queries = {"n": 0}
    event.listen(engine, "before_cursor_execute", lambda *args: queries.__setitem__("n", queries["n"] + 1))
    print(f"{'page':30} {'mean ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, url in pages.items():
        client.get(url)
        timings = []
        queries["n"] = 0
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{name:30} {statistics.mean(timings):8.2f} {p95:8.2f} {queries['n'] / requests:8.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
