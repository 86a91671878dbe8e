"""Authoring views for courses and modules: the catalog of courses to edit, a course's outline as an editor, and
each course's and module's settings, order, publishing and deletion (the changes themselves in service.py)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.auth.access import instructor_required
from course.author import service
from course.author.forms import CoAuthorForm, CourseForm, ModuleForm
from course.author.pages import confirm_delete, publish
from course.content.review import review_course
from course.extensions import db
from course.lookups import module_or_404, owned_course_or_404
from course.models import Course, Figure, Module, Quiz
from course.ownership import owned_course_ids, owners_of, require_owner

# --- courses -------------------------------------------------------------------------------------------------


@instructor_required
def index():
    """Every course on the platform, drafts included, saying which the signed-in instructor may change, with a way
    to start a new one."""
    courses = db.session.scalars(select(Course).order_by(Course.position, Course.title)).all()
    owned = owned_course_ids()
    return render_template(
        "author/index.html", courses=courses, may_change={c.id for c in courses if owned is None or c.id in owned}
    )


@instructor_required
def move_course(slug: str):
    """Move a course one place up or down in the catalog."""
    service.move(owned_course_or_404(slug), request.form.get("direction", ""))
    return redirect(url_for("author.index"))


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
            service.add_course(course)
            flash(_("Course “%(title)s” created as a draft. Add its first module.", title=course.title), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/course_form.html", form=form, course=None)


@instructor_required
def course(slug: str):
    """The course's outline as an editor: modules, lessons and quizzes with their state and every action, each
    module's teacher's guide, and the warnings that keep the course true (stale sources, unassessed objectives)."""
    course = db.first_or_404(
        select(Course)
        .where(Course.slug == slug)
        .options(selectinload(Course.modules).selectinload(Module.lessons), selectinload(Course.quizzes)),
        description=_("There is no course at this address."),
    )
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
    return render_template(
        "author/course.html",
        course=course,
        quizzes_by_module=quizzes_by_module,
        review=review,
        stale_after=stale_after,
        figure_count=figure_count,
        form=FlaskForm(),
        owners=owners,
        owner_form=CoAuthorForm(),
    )


@instructor_required
def edit_course(slug: str):
    """Change a course's address, title, summary or language."""
    course = owned_course_or_404(slug)
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        if form.slug.data != course.slug and db.session.scalar(select(Course.id).where(Course.slug == form.slug.data)):
            form.slug.errors.append(_("Another course has this address."))
        else:
            form.populate_obj(course)
            service.save_settings()
            flash(_("Course settings saved."), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/course_form.html", form=form, course=course)


@instructor_required
def publish_course(slug: str):
    """Show the course in the catalog, or hide it again."""
    course = owned_course_or_404(slug)
    publish(course, "course")
    return redirect(url_for("author.course", slug=course.slug))


@instructor_required
def delete_course(slug: str):
    """Delete a whole course, after saying exactly what goes with it."""
    course = owned_course_or_404(slug)
    contents = service.course_contents(course)
    modules, lessons, quizzes, attempts, progress, classes = contents
    consequences = [
        _(
            "%(modules)d modules, %(lessons)d lessons and %(quizzes)d quizzes, with their revision history and "
            "figures.",
            modules=modules,
            lessons=lessons,
            quizzes=quizzes,
        ),
        _(
            "%(attempts)d quiz attempts and %(progress)d lesson progress records of students.",
            attempts=attempts,
            progress=progress,
        ),
    ]
    if classes:
        consequences.append(
            ngettext(
                "%(num)d class uses this course; it will have no course until you choose one.",
                "%(num)d classes use this course; they will have no course until you choose one.",
                classes,
            )
        )

    def delete() -> str:
        service.delete_course(course, contents)
        flash(_("Course “%(title)s” deleted.", title=course.title), "info")
        return url_for("author.index")

    return confirm_delete(
        _("Delete the course “%(title)s”?", title=course.title),
        consequences,
        url_for("author.course", slug=course.slug),
        delete,
    )


# --- modules -------------------------------------------------------------------------------------------------


@instructor_required
def new_module(slug: str):
    """Add a module at the end of the course, as a draft."""
    course = owned_course_or_404(slug)
    form = ModuleForm()
    if form.validate_on_submit():
        if service.slug_taken(Module, course.id, form.slug.data, None):
            form.slug.errors.append(_("Another module of this course has this address."))
        else:
            module = Module(published=False)
            form.populate_obj(module)
            service.add_module(course, module)
            flash(_("Module “%(title)s” added as a draft.", title=module.title), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/module_form.html", form=form, course=course, module=None)


@instructor_required
def edit_module(slug: str, module_id: int):
    """Change a module's address, title or summary."""
    course = owned_course_or_404(slug)
    module = module_or_404(course, module_id)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        if service.slug_taken(Module, course.id, form.slug.data, module.id):
            form.slug.errors.append(_("Another module of this course has this address."))
        else:
            form.populate_obj(module)
            service.save_settings()
            flash(_("Module saved."), "success")
            return redirect(url_for("author.course", slug=course.slug))
    return render_template("author/module_form.html", form=form, course=course, module=module)


@instructor_required
def move_module(slug: str, module_id: int):
    """Move a module one place up or down in the course."""
    course = owned_course_or_404(slug)
    module = module_or_404(course, module_id)
    service.move(module, request.form.get("direction", ""))
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{module.id}"))


@instructor_required
def publish_module(slug: str, module_id: int):
    """Show a module to students, or hide it (with its lessons and quiz) again."""
    course = owned_course_or_404(slug)
    module = module_or_404(course, module_id)
    publish(module, "module")
    return redirect(url_for("author.course", slug=course.slug, _anchor=f"module-{module.id}"))


@instructor_required
def delete_module(slug: str, module_id: int):
    """Delete a module with its lessons and quizzes, after saying what goes with it."""
    course = owned_course_or_404(slug)
    module = module_or_404(course, module_id)
    lessons, quizzes, attempts, progress = service.module_contents(module)
    consequences = [
        _(
            "%(lessons)d lessons and %(quizzes)d quizzes of this module, with their revision history.",
            lessons=lessons,
            quizzes=quizzes,
        ),
        _(
            "%(attempts)d quiz attempts and %(progress)d lesson progress records of students.",
            attempts=attempts,
            progress=progress,
        ),
    ]

    def delete() -> str:
        service.delete_module(module)
        flash(_("Module “%(title)s” deleted.", title=module.title), "info")
        return url_for("author.course", slug=course.slug)

    return confirm_delete(
        _("Delete the module “%(title)s”?", title=module.title),
        consequences,
        url_for("author.course", slug=course.slug),
        delete,
    )
