"""Upload forms. Sizes are checked here (and by MAX_CONTENT_LENGTH before that); contents by course.content."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Regexp, StopValidation

from course.content.loader import MAX_SLUG, SLUG
from course.forms import BaseForm

MAX_ZIP_UPLOAD = 16 * 1024 * 1024
MAX_GIFT_UPLOAD = 2 * 1024 * 1024


class CourseZipForm(BaseForm):
    archive = FileField(
        _l("Course zip"),
        validators=[
            FileRequired(_l("Choose a course zip to import.")),
            FileAllowed(["zip"], _l("Choose a .zip file.")),
            FileSize(
                MAX_ZIP_UPLOAD,
                message=_l("The zip must be at most %(size)d MiB.", size=MAX_ZIP_UPLOAD // (1024 * 1024)),
            ),
        ],
        description=_l(
            "A zip exported from Lanyard, or a zipped course folder (lessons/ and quizzes/). A course with "
            "the same slug is updated in place and keeps its students' progress; nothing changes if the "
            "zip has a problem. If it would delete lessons, questions or progress, you are shown what "
            "first and asked to confirm."
        ),
    )
    # The confirmation step: the same zip again (its digest), the counts that were shown, and the ticked box.
    confirm = BooleanField(_l("Import it, and delete what is listed above"))
    zip_digest = HiddenField()
    losses = HiddenField()


def _quiz_named_unless_by_category(form, field) -> None:
    """The quiz field counts only when the questions go into the quiz it names (not by category)."""
    if form.target.data == "category":
        field.data = ""
        raise StopValidation()
    if not (field.data or "").strip():
        raise StopValidation(_l("Name the quiz to import into."))


class QuestionBankImportForm(BaseForm):
    """A Moodle question bank (GIFT or Moodle XML) into a quiz: one form, so both formats share one flow."""

    bank_format = RadioField(
        _l("File format"),
        choices=[SelectChoice("gift", _l("GIFT (.gift or .txt)")), SelectChoice("moodle-xml", _l("Moodle XML (.xml)"))],
        default="gift",
        validate_choice=True,
    )
    target = RadioField(
        _l("Put the questions"),
        choices=[
            SelectChoice("quiz", _l("into the quiz named below")),
            SelectChoice("category", _l("into the quizzes their categories name ($CATEGORY, or Moodle's category)")),
        ],
        default="quiz",
        description=_l(
            "By category, the last part of each question's category names an existing quiz of this course, "
            "by its slug or its title: “$course$/top/Card technology quiz” goes into card-technology-quiz."
        ),
    )
    quiz = StringField(
        _l("Quiz"),
        validators=[
            _quiz_named_unless_by_category,
            Length(max=MAX_SLUG),
            Regexp(SLUG, message=_l("Use lower-case words joined by hyphens, like card-technology-quiz.")),
        ],
        description=_l(
            "An existing quiz's slug adds the questions to it (a question with the same id is replaced); a "
            "new slug creates a draft quiz that students do not see until it is published."
        ),
        render_kw={"list": "quiz-slugs", "autocomplete": "off"},
    )
    module = SelectField(_l("Module of a new quiz"), choices=[])
    bank_file = FileField(
        _l("GIFT or Moodle XML file"),
        validators=[
            FileRequired(_l("Choose a GIFT or Moodle XML file to import.")),
            FileAllowed(["gift", "txt", "xml"], _l("Choose a .gift, .txt or .xml file exported from Moodle.")),
            FileSize(
                MAX_GIFT_UPLOAD,
                message=_l("The file must be at most %(size)d MiB.", size=MAX_GIFT_UPLOAD // (1024 * 1024)),
            ),
        ],
    )
    skip_unsupported = BooleanField(
        _l("Skip the questions that cannot be imported"),
        description=_l(
            "Imports the good questions and lists every other one with its line (Moodle's “stop on error: "
            "no”). Unticked, nothing is imported if any question has a problem."
        ),
    )
