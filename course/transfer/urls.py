"""The `transfer` blueprint's URL table: every page, the view each is served by (loaded on its first request, see
course.lazy_views) and its methods. A new transfer page gets its row here."""

from course.lazy_views import Route

ROUTES: list[Route] = [
    ("/", ".routes:index", None),
    ("/import", ".routes:import_zip", ("POST",)),
    ("/courses/<slug>/export.zip", ".routes:export_zip", None),
    ("/courses/<slug>", ".routes:course_quizzes", None),
    ("/courses/<slug>/questions", ".routes:import_bank", ("POST",)),
    ("/courses/<slug>/quizzes/<quiz_slug>/export.gift", ".routes:export_gift_file", None),
    ("/courses/<slug>/quizzes/<quiz_slug>/export.xml", ".routes:export_moodle_xml_file", None),
]
