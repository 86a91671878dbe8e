"""The `author` blueprint's URL table: every authoring page, the view each is served by (loaded on its first request,
see course.lazy_views) and its methods. A new authoring page gets its row here."""

from course.lazy_views import Route

ROUTES: list[Route] = [
    # courses and modules
    ("/", ".routes:index", None),
    ("/courses/<slug>/move", ".routes:move_course", ("POST",)),
    ("/new-course", ".routes:new_course", ("GET", "POST")),
    ("/courses/<slug>", ".routes:course", None),
    ("/courses/<slug>/settings", ".routes:edit_course", ("GET", "POST")),
    ("/courses/<slug>/publish", ".routes:publish_course", ("POST",)),
    ("/courses/<slug>/delete", ".routes:delete_course", ("GET", "POST")),
    ("/courses/<slug>/modules/new", ".routes:new_module", ("GET", "POST")),
    ("/courses/<slug>/modules/<int:module_id>", ".routes:edit_module", ("GET", "POST")),
    ("/courses/<slug>/modules/<int:module_id>/move", ".routes:move_module", ("POST",)),
    ("/courses/<slug>/modules/<int:module_id>/publish", ".routes:publish_module", ("POST",)),
    ("/courses/<slug>/modules/<int:module_id>/delete", ".routes:delete_module", ("GET", "POST")),
    # lessons
    ("/courses/<slug>/lessons/", ".lessons:new_lesson", ("GET", "POST")),
    ("/courses/<slug>/lessons/<lesson_slug>", ".lessons:edit_lesson", ("GET", "POST")),
    ("/courses/<slug>/preview/<lesson_slug>", ".lessons:preview_lesson", None),
    ("/courses/<slug>/lessons/<lesson_slug>/move", ".lessons:move_lesson", ("POST",)),
    ("/courses/<slug>/lessons/<lesson_slug>/publish", ".lessons:publish_lesson", ("POST",)),
    ("/courses/<slug>/lessons/<lesson_slug>/delete", ".lessons:delete_lesson", ("GET", "POST")),
    ("/courses/<slug>/lessons/<lesson_slug>/history", ".lessons:lesson_history", None),
    ("/courses/<slug>/lessons/<lesson_slug>/revisions/<int:revision_id>/restore", ".lessons:restore_lesson", ("POST",)),
    # quizzes and their questions
    ("/courses/<slug>/quizzes/", ".quizzes:new_quiz", ("GET", "POST")),
    ("/courses/<slug>/quizzes/<quiz_slug>", ".quizzes:edit_quiz", ("GET", "POST")),
    ("/courses/<slug>/quizzes/<quiz_slug>/preview", ".quizzes:preview_quiz", None),
    ("/courses/<slug>/quizzes/<quiz_slug>/publish", ".quizzes:publish_quiz", ("POST",)),
    ("/courses/<slug>/quizzes/<quiz_slug>/delete", ".quizzes:delete_quiz", ("GET", "POST")),
    ("/courses/<slug>/quizzes/<quiz_slug>/history", ".quizzes:quiz_history", None),
    ("/courses/<slug>/quizzes/<quiz_slug>/revisions/<int:revision_id>/restore", ".quizzes:restore_quiz", ("POST",)),
    ("/courses/<slug>/quizzes/<quiz_slug>/questions/", ".questions:new_question", ("GET", "POST")),
    ("/courses/<slug>/quizzes/<quiz_slug>/questions/<key>", ".questions:edit_question", ("GET", "POST")),
    ("/courses/<slug>/quizzes/<quiz_slug>/questions/<key>/move", ".questions:move_question", ("POST",)),
    ("/courses/<slug>/quizzes/<quiz_slug>/questions/<key>/delete", ".questions:delete_question", ("GET", "POST")),
    # figures and the glossary
    ("/courses/<slug>/figures/", ".figures:figures", ("GET", "POST")),
    ("/courses/<slug>/figures/<name>", ".figures:figure", None),
    ("/courses/<slug>/figures/<name>/delete", ".figures:delete_figure", ("GET", "POST")),
    ("/courses/<slug>/glossary", ".figures:glossary", None),
    # co-authors
    ("/courses/<slug>/owners", ".owners:add_owner", ("POST",)),
    ("/courses/<slug>/owners/<int:user_id>/remove", ".owners:remove_owner", ("POST",)),
    # the scenario editor, at the lesson editor's depth so the renderer's relative links resolve
    ("/courses/<slug>/scenario/<lesson_slug>", "course.scenario.authoring:edit_scenario", ("GET", "POST")),
]
