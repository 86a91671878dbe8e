"""A course folder as a whole: course.yaml (declared once as COURSE and MODULE), the module folders it lists, and
the checks across files (lesson slugs unique in the course, links to lessons, glossary anchors and figures).

`CourseChecker` brings together the reader of each file kind; course.content.loader is its public face.
"""

from pathlib import Path

from flask_babel import gettext as _

from course import schema
from course.content.checking import SLUG_FIELD, TITLE, _display
from course.content.course_data import CourseData, ModuleData
from course.content.glossary import GlossaryChecker
from course.content.guides import GUIDE_FILE, GuideChecker
from course.content.lessons import NUMBERED, LessonChecker
from course.content.problems import ContentError, ContentProblem
from course.content.quizzes import QuizChecker
from course.content.yaml_lines import LineDict, load_yaml
from course.render import content_language
from course.sanitize import without_control_characters

# Open schemas: course.yaml has never refused keys it does not know, so a course folder written for a later version
# of Lanyard still imports.
MODULE = schema.Schema({"slug": SLUG_FIELD, "title": TITLE, "summary": schema.anything()}, closed=False)
COURSE = schema.Schema(
    {
        "slug": SLUG_FIELD,
        "title": TITLE,
        "summary": schema.anything(),
        "language": schema.anything(),  # a language tag, at most 20 characters; en when absent
        "modules": schema.list_of(
            schema.mapping(MODULE),
            required=True,
            non_empty=True,
            message=lambda problem, what: _("the course needs a non-empty list of modules"),
        ),
    },
    closed=False,
)


class CourseChecker(LessonChecker, GuideChecker, GlossaryChecker, QuizChecker):
    """Collects problems while reading a whole course folder; `load` returns the course only when none were found."""

    def load(self) -> CourseData:
        course_file = self.lessons_dir / "course.yaml"
        if not course_file.is_file():
            raise ContentError([ContentProblem(_display(course_file), 1, _("course.yaml not found"))])
        text = self.read_text(course_file)
        meta, problems = load_yaml(text or "", str(_display(course_file)))
        self.problems += problems
        if not isinstance(meta, LineDict):
            if not problems:
                self.problem(course_file, 1, _("course.yaml must be a mapping with slug, title and modules"))
            raise ContentError(self.problems)
        slug, title = self.fields(meta, COURSE, course_file, _("the course"), "slug", "title")
        if len(str(meta.get("language") or "en")) > 20:
            self.problem(course_file, meta.line_of("language"), _("language must be a tag such as en or pt-BR"))
        # The words the renderer adds to the content (a dated claim's "as of") are in the course's language.
        with content_language(str(meta.get("language") or "en")):
            glossary = self.load_glossary()
            figures = self.load_figures()
            modules = self.load_modules(meta, course_file)
            anchors = {term["anchor"] for term in glossary}
            lesson_slugs: dict[str, str] = {}
            for module in modules:
                for lesson in module.lessons:
                    if lesson.slug in lesson_slugs:
                        other = lesson_slugs[lesson.slug]
                        message = _("lesson slug '%(slug)s' is also used by %(other)s", slug=lesson.slug, other=other)
                        self.problem(Path(lesson.path), 2, message)
                    lesson_slugs[lesson.slug] = lesson.path
            for module in modules:
                for lesson in module.lessons:
                    text = without_control_characters(Path(lesson.path).read_text(encoding="utf-8"))
                    self.check_lesson_references(lesson, text, lesson_slugs, anchors, figures)
            quizzes = self.load_quizzes(modules)
        if self.problems:
            raise ContentError(self.problems)
        return CourseData(
            slug=slug,
            title=title,
            summary=str(meta.get("summary") or "").strip(),
            language=str(meta.get("language") or "en"),
            modules=modules,
            quizzes=quizzes,
            glossary=glossary,
            figures=figures,
        )

    def load_modules(self, meta: LineDict, course_file: Path) -> list[ModuleData]:
        entries = self.field(meta, "modules", COURSE["modules"], course_file, _("the course"))
        if not entries:
            return []
        folders: dict[str, list[Path]] = {}
        if self.lessons_dir.is_dir():
            for child in sorted(self.lessons_dir.iterdir()):
                match = NUMBERED.match(child.name)
                if child.is_dir() and match:
                    folders.setdefault(match.group(2), []).append(child)
        modules: list[ModuleData] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, LineDict):
                self.problem(course_file, entries.line_of(index), _("each module needs slug, title and summary"))
                continue
            slug, title = self.fields(entry, MODULE, course_file, _("a module"), "slug", "title")
            if slug and any(m.slug == slug for m in modules):
                self.problem(course_file, entry.line_of("slug"), _("duplicate module slug '%(slug)s'", slug=slug))
                continue
            module = ModuleData(slug, title, str(entry.get("summary") or "").strip())
            found = folders.pop(slug, [])
            if len(found) > 1:
                self.problem(found[1], 1, _("more than one folder for module '%(slug)s'", slug=slug))
            if not found:
                message = _("no folder lessons/NN-%(slug)s/ for module '%(slug)s'", slug=slug)
                self.problem(course_file, entry.line_of("slug"), message)
            else:
                module.lessons = self.load_lessons(found[0])
                if (found[0] / GUIDE_FILE).is_file():
                    module.guide, module.guide_html = self.load_guide(found[0] / GUIDE_FILE)
            modules.append(module)
        for stray in folders.values():
            self.problem(stray[0], 1, _("this folder is not a module listed in course.yaml"))
        return modules

    # --- lessons ----------------------------------------------------------------------------------------
