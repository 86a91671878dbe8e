"""Authoring views for courses and modules, and the helpers every authoring view shares: finding what the address
names (drafts included), moving items up and down, publishing, and confirming a deletion."""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.audit import record
from course.auth.access import instructor_required
from course.author import bp
from course.author.forms import CoAuthorForm, ConfirmDeleteForm, CourseForm, ModuleForm
from course.author.ownership import owned_course_ids, owners_of, require_owner
from course.content.review import review_course
from course.extensions import db
from course.models import Attempt, Classroom, Course, CourseOwner, Figure, Lesson, LessonProgress, Module, Quiz

# --- shared helpers ------------------------------------------------------------------------------------------


def course_or_404(slug: str) -> Course:
    """A course by its address, published or not (instructors work on drafts), if the signed-in instructor owns it
    or is an administrator: every authoring view of a course starts here, so non-owners get a 403 everywhere."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404, description=_("There is no course at this address."))
    return require_owner(course)


def module_or_404(course: Course, module_id: int) -> Module:
    """A module of this course (an id from another course is a 404 too)."""
    module = db.session.get(Module, module_id)
    if module is None or module.course_id != course.id:
        abort(404, description=_("There is no module at this address."))
    return module


def lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    """A lesson of this course by its address, draft or not."""
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug))
    if lesson is None:
        abort(404, description=_("There is no lesson at this address."))
    return lesson


def quiz_or_404(course: Course, quiz_slug: str) -> Quiz:
    """A quiz of this course by its address, draft or not."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz_slug))
    if quiz is None:
        abort(404, description=_("There is no quiz at this address."))
    return quiz


def require_form_token() -> None:
    """Buttons that post without fields (move, publish) still carry the CSRF token."""
    if not FlaskForm().validate_on_submit():
        abort(400, description=_("The form expired. Reload the page and try again."))


def move_in_order(siblings: list, item, direction: str) -> bool:
    """Swap an item with its neighbour in `siblings` (ordered by position) and renumber them 0, 1, 2…"""
    if direction not in ("up", "down"):
        abort(400, description=_("Move up or down."))
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    return True


# What publishing or unpublishing says, per kind of item: whole sentences, as languages word them differently.
PUBLISHED_NOTICES = {
    "course": (_l("The course “%(title)s” is published: students can see it (once what contains it is published "
                  "too)."), _l("The course “%(title)s” is a draft again: students no longer see it.")),
    "module": (_l("The module “%(title)s” is published: students can see it (once what contains it is published "
                  "too)."), _l("The module “%(title)s” is a draft again: students no longer see it.")),
    "lesson": (_l("The lesson “%(title)s” is published: students can see it (once what contains it is published "
                  "too)."), _l("The lesson “%(title)s” is a draft again: students no longer see it.")),
    "quiz": (_l("The quiz “%(title)s” is published: students can see it (once what contains it is published "
                "too)."), _l("The quiz “%(title)s” is a draft again: students no longer see it.")),
}


def toggle_published(item, kind: str) -> None:
    """Publish or unpublish one item (a "course", "module", "lesson" or "quiz") and say what students now see."""
    require_form_token()
    item.published = not item.published
    db.session.commit()
    published, draft = PUBLISHED_NOTICES[kind]
    if item.published:
        flash(published % {"title": item.title}, "success")
    else:
        flash(draft % {"title": item.title}, "info")


def confirm_delete(title: str, consequences: list[str], cancel_url: str, delete: Callable[[], str],
                   blockers: list[str] | None = None):  # fmt: skip
    """The confirmation page every deletion goes through: it says what will be lost, and deletes only once the box
    is ticked. `blockers` are reasons it cannot be deleted yet; `delete` does the work and returns where to go."""
    form = ConfirmDeleteForm()
    if not blockers and form.validate_on_submit():
        return redirect(delete())
    status = 409 if blockers and request.method == "POST" else 200
    page = render_template("author/confirm_delete.html", form=form, title=title, consequences=consequences,
                           cancel_url=cancel_url, blockers=blockers or [])  # fmt: skip
    return page, status


def slug_taken(model, course_id: int, slug: str, own_id: int | None) -> bool:
    """Whether another row of the course already has this slug."""
    found = db.session.scalar(select(model.id).where(model.course_id == course_id, model.slug == slug))
    return found is not None and found != own_id


# --- courses -------------------------------------------------------------------------------------------------


@bp.route("/")
@instructor_required
def index():
    """Every course on the platform, drafts included, saying which the signed-in instructor may change, with a way
    to start a new one."""
    courses = db.session.scalars(select(Course).order_by(Course.position, Course.title)).all()
    owned = owned_course_ids()
    return render_template("author/index.html", courses=courses,
                           may_change={c.id for c in courses if owned is None or c.id in owned})  # fmt: skip


@bp.route("/courses/<slug>/move", methods=["POST"])
@instructor_required
def move_course(slug: str):
    """Move a course one place up or down in the catalog."""
    course = course_or_404(slug)
    require_form_token()
    courses = list(db.session.scalars(select(Course).order_by(Course.position, Course.title)))
    if move_in_order(courses, course, request.form.get("direction", "")):
        db.session.commit()
    return redirect(url_for("author.index"))


@bp.route("/new-course", methods=["GET", "POST"])
@instructor_required
def new_course():
    """Start a course; it is a draft until published."""
    form = CourseForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Course.id).where(Course.slug == form.slug.data)) is not None:
            form.slug.errors.append(_("Another course has this address."))
        else:
            course = Course(published=False, glossary=[])
            form.populate_obj(course)
            db.session.add(course)
            db.session.flush()
            db.session.add(CourseOwner(course_id=course.id, user_id=current_user.id))
            record("course.created", course)
            db.session.commit()
            flash(_("Course “%(title)s” created as a draft. Add its first module.", title=course.title), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/course_form.html", form=form, course=None)


@bp.route("/courses/<slug>")
@instructor_required
def course(slug: str):
    """The course's outline as an editor: modules, lessons and quizzes with their state and every action, each
    module's teacher's guide, and the warnings that keep the course true (stale sources, unassessed objectives)."""
    course = db.session.scalar(
        select(Course)
        .where(Course.slug == slug)
        .options(selectinload(Course.modules).selectinload(Module.lessons), selectinload(Course.quizzes))
    )
    if course is None:
        abort(404, description=_("There is no course at this address."))
    owners = owners_of(course)  # and whether the signed-in instructor is one, without another query
    if current_user.role != "admin" and current_user.id not in {owner.id for owner in owners}:
        require_owner(course)
    figure_count = db.session.scalar(select(func.count(Figure.id)).where(Figure.course_id == course.id))
    quizzes_by_module: dict[int | None, list[Quiz]] = {}
    module_ids = {module.id for module in course.modules}
    for quiz in sorted(course.quizzes, key=lambda q: (q.is_final, q.id)):
        quizzes_by_module.setdefault(quiz.module_id if quiz.module_id in module_ids else None, []).append(quiz)
    stale_after = current_app.config.get("SOURCE_STALE_AFTER_DAYS", 365)
    review = review_course(course.slug, stale_after)
    return render_template("author/course.html", course=course, quizzes_by_module=quizzes_by_module,
                           review=review, stale_after=stale_after,
                           figure_count=figure_count, form=FlaskForm(), owners=owners,
                           owner_form=CoAuthorForm())  # fmt: skip


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@instructor_required
def edit_course(slug: str):
    """Change a course's address, title, summary or language."""
    course = course_or_404(slug)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        if form.slug.data != course.slug and db.session.scalar(select(Course.id).where(Course.slug == form.slug.data)):
            form.slug.errors.append(_("Another course has this address."))
        else:
            form.populate_obj(course)
            db.session.commit()
            flash(_("Course settings saved."), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/course_form.html", form=form, course=course)


@bp.route("/courses/<slug>/publish", methods=["POST"])
@instructor_required
def publish_course(slug: str):
    """Show the course in the catalog, or hide it again."""
    course = course_or_404(slug)
    record("course.unpublished" if course.published else "course.published", course)
    toggle_published(course, "course")
    return redirect(url_for("author.course", slug=course.slug))


@bp.route("/courses/<slug>/delete", methods=["GET", "POST"])
@instructor_required
def delete_course(slug: str):
    """Delete a whole course, after saying exactly what goes with it."""
    course = course_or_404(slug)
    lesson_ids = select(Lesson.id).where(Lesson.course_id == course.id)
    quiz_ids = select(Quiz.id).where(Quiz.course_id == course.id)
    counts = db.session.execute(
        select(
            select(func.count(Module.id)).where(Module.course_id == course.id).scalar_subquery(),
            select(func.count()).select_from(lesson_ids.subquery()).scalar_subquery(),
            select(func.count()).select_from(quiz_ids.subquery()).scalar_subquery(),
            select(func.count(Attempt.id)).where(Attempt.quiz_id.in_(quiz_ids)).scalar_subquery(),
            select(func.count(LessonProgress.id)).where(LessonProgress.lesson_id.in_(lesson_ids)).scalar_subquery(),
            select(func.count(Classroom.id)).where(Classroom.course_id == course.id).scalar_subquery(),
        )
    ).one()
    modules, lessons, quizzes, attempts, progress, classes = counts
    consequences = [
        _("%(modules)d modules, %(lessons)d lessons and %(quizzes)d quizzes, with their revision history and "
          "figures.", modules=modules, lessons=lessons, quizzes=quizzes),
        _("%(attempts)d quiz attempts and %(progress)d lesson progress records of students.", attempts=attempts,
          progress=progress),
    ]
    if classes:
        consequences.append(ngettext("%(num)d class uses this course; it will have no course until you choose one.",
                                     "%(num)d classes use this course; they will have no course until you choose "
                                     "one.", classes))

    def delete() -> str:
        # The database's cascades remove the rows below the course, without loading its figures into memory.
        record("course.deleted", course, detail=f"{modules} modules, {lessons} lessons, {quizzes} quizzes, "
               f"{attempts} attempts, {progress} progress records")  # fmt: skip
        db.session.execute(delete_rows(Course).where(Course.id == course.id))
        db.session.commit()
        flash(_("Course “%(title)s” deleted.", title=course.title), "info")
        return url_for("author.index")

    return confirm_delete(_("Delete the course “%(title)s”?", title=course.title), consequences,
                          url_for("author.course", slug=course.slug), delete)  # fmt: skip


# --- modules -------------------------------------------------------------------------------------------------


@bp.route("/courses/<slug>/modules/new", methods=["GET", "POST"])
@instructor_required
def new_module(slug: str):
    """Add a module at the end of the course, as a draft."""
    course = course_or_404(slug)
    form = ModuleForm()
    if form.validate_on_submit():
        if slug_taken(Module, course.id, form.slug.data, None):
            form.slug.errors.append(_("Another module of this course has this address."))
        else:
            position = db.session.scalar(select(func.count(Module.id)).where(Module.course_id == course.id))
            module = Module(course_id=course.id, position=position, published=False)
            form.populate_obj(module)
            db.session.add(module)
            db.session.commit()
            flash(_("Module “%(title)s” added as a draft.", title=module.title), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/module_form.html", form=form, course=course, module=None)


@bp.route("/courses/<slug>/modules/<int:module_id>", methods=["GET", "POST"])
@instructor_required
def edit_module(slug: str, module_id: int):
    """Change a module's address, title or summary."""
    course = course_or_404(slug)
    module = module_or_404(course, module_id)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        if slug_taken(Module, course.id, form.slug.data, module.id):
            form.slug.errors.append(_("Another module of this course has this address."))
        else:
            form.populate_obj(module)
            db.session.commit()
            flash(_("Module saved."), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/module_form.html", form=form, course=course, module=module)


@bp.route("/courses/<slug>/modules/<int:module_id>/move", methods=["POST"])
@instructor_required
def move_module(slug: str, module_id: int):
    """Move a module one place up or down in the course."""
    course = course_or_404(slug)
    module = module_or_404(course, module_id)
    require_form_token()
    if move_in_order(list(course.modules), module, request.form.get("direction", "")):
        db.session.commit()
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{module.id}"))


@bp.route("/courses/<slug>/modules/<int:module_id>/publish", methods=["POST"])
@instructor_required
def publish_module(slug: str, module_id: int):
    """Show a module to students, or hide it (with its lessons and quiz) again."""
    course = course_or_404(slug)
    module = module_or_404(course, module_id)
    toggle_published(module, "module")
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{module.id}"))


@bp.route("/courses/<slug>/modules/<int:module_id>/delete", methods=["GET", "POST"])
@instructor_required
def delete_module(slug: str, module_id: int):
    """Delete a module with its lessons and quizzes, after saying what goes with it."""
    course = course_or_404(slug)
    module = module_or_404(course, module_id)
    quiz_ids = select(Quiz.id).where(Quiz.module_id == module.id)
    lessons, quizzes, attempts, progress = db.session.execute(
        select(
            select(func.count(Lesson.id)).where(Lesson.module_id == module.id).scalar_subquery(),
            select(func.count()).select_from(quiz_ids.subquery()).scalar_subquery(),
            select(func.count(Attempt.id)).where(Attempt.quiz_id.in_(quiz_ids)).scalar_subquery(),
            select(func.count(LessonProgress.id))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(Lesson.module_id == module.id)
            .scalar_subquery(),
        )
    ).one()
    consequences = [
        _("%(lessons)d lessons and %(quizzes)d quizzes of this module, with their revision history.",
          lessons=lessons, quizzes=quizzes),
        _("%(attempts)d quiz attempts and %(progress)d lesson progress records of students.", attempts=attempts,
          progress=progress),
    ]

    def delete() -> str:
        db.session.execute(delete_rows(Quiz).where(Quiz.module_id == module.id))
        db.session.execute(delete_rows(Module).where(Module.id == module.id))
        remaining = db.session.scalars(select(Module).where(Module.course_id == course.id).order_by(Module.position))
        for position, sibling in enumerate(remaining):
            sibling.position = position
        db.session.commit()
        flash(_("Module “%(title)s” deleted.", title=module.title), "info")
        return url_for("author.course", slug=course.slug)

    return confirm_delete(_("Delete the module “%(title)s”?", title=module.title), consequences,
                          url_for("author.course", slug=course.slug), delete)  # fmt: skip
