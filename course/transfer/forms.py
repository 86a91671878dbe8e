"""Upload forms. Sizes are checked here (and by MAX_CONTENT_LENGTH before that); contents by course.content."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from course.content.loader import MAX_SLUG, SLUG
from course.forms import BaseForm

MAX_ZIP_UPLOAD = 16 * 1024 * 1024
MAX_GIFT_UPLOAD = 2 * 1024 * 1024


class CourseZipForm(BaseForm):
    archive = FileField(
        "Course zip",
        validators=[
            FileRequired("Choose a course zip to import."),
            FileAllowed(["zip"], "Choose a .zip file."),
            FileSize(MAX_ZIP_UPLOAD, message=f"The zip must be at most {MAX_ZIP_UPLOAD // (1024 * 1024)} MiB."),
        ],
        description="A zip exported from Lanyard, or a zipped course folder (lessons/ and quizzes/). A course with "
        "the same slug is updated in place and keeps its students' progress; nothing changes if the zip has a problem. "
        "If it would delete lessons, questions or progress, you are shown what first and asked to confirm.",
    )
    # The confirmation step: the same zip again (its digest), the counts that were shown, and the ticked box.
    confirm = BooleanField("Import it, and delete what is listed above")
    zip_digest = HiddenField()
    losses = HiddenField()


class GiftImportForm(BaseForm):
    quiz = StringField(
        "Quiz",
        validators=[
            InputRequired("Name the quiz to import into."),
            Length(max=MAX_SLUG),
            Regexp(SLUG, message="Use lower-case words joined by hyphens, like card-technology-quiz."),
        ],
        description="An existing quiz's slug adds the questions to it (a question with the same id is replaced); a new "
        "slug creates a draft quiz that students do not see until it is published.",
        render_kw={"list": "quiz-slugs", "autocomplete": "off"},
    )
    module = SelectField("Module of a new quiz", choices=[])
    gift_file = FileField(
        "GIFT file",
        validators=[
            FileRequired("Choose a GIFT file to import."),
            FileAllowed(["gift", "txt"], "Choose a .gift or .txt file exported from Moodle."),
            FileSize(MAX_GIFT_UPLOAD, message=f"The file must be at most {MAX_GIFT_UPLOAD // (1024 * 1024)} MiB."),
        ],
    )
    skip_unsupported = BooleanField(
        "Skip the questions that cannot be imported",
        description="Imports the good questions and lists every other one with its line (Moodle's “stop on error: "
        "no”). Unticked, nothing is imported if any question has a problem.",
    )
