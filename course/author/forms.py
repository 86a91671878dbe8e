"""Authoring forms. WTForms checks types and the database's sizes; the content rules themselves (slugs, sources,
citations, question keys…) are the loader's, applied in course.author.checks, so the browser and `course check`
never disagree."""

import re
import unicodedata
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from course.content.loader import SLUG
from course.forms import BaseForm, RowForm
from course.question_types import QuestionType

ROW_ACTION = re.compile(r"^(?P<field>[a-z_]+)-(?P<op>add|remove|up)(?:-(?P<index>\d{1,3}))?$")
SLUG_HELP = _l("Lower-case words joined by hyphens, e.g. card-technology.")
SLUG_MESSAGE = _l("Use lower-case letters and digits in words joined by hyphens, e.g. card-technology.")
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def slug_from(text: str | None, max_length: int = 60) -> str:
    """An address made from a title, as author.js makes it in the browser: accents dropped, lower-case words of
    letters and digits joined by hyphens, cut at a word boundary. Empty when the title has no such letters."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", "").replace("’", ""))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "-".join(words)[:max_length].strip("-")


class AuthorForm(BaseForm):
    """Every authoring form: CSRF-protected, free of control characters. `slug_fields` maps a slug field to the
    field it is made from when the author leaves it empty, so the form works the same without author.js."""

    slug_fields: dict[str, str] = {}
    slug_max = 60

    def validate(self, extra_validators=None) -> bool:
        self.filled_slugs: set[str] = set()
        for slug_name, source_name in self.slug_fields.items():
            slug_field, source = self[slug_name], self[source_name]
            if not (slug_field.data or "").strip():
                made = slug_from(source.data, self.slug_max)
                if made:
                    slug_field.data, slug_field.raw_data = made, [made]
                    self.filled_slugs.add(slug_name)
        return super().validate(extra_validators)


SLUG_REQUIRED = _l("Give an address, or a title to make one from.")
# WTForms fills in %(max)d (and %(min)d, %(length)d) itself.
TOO_LONG = _l("Shorten this to at most %(max)d characters.")


def _slug_field(label: str, description: str = SLUG_HELP, source: str = "title") -> StringField:
    """A slug as the loader requires it (course.content.loader.SLUG), with the database's size. author.js fills it
    from the `source` field as the author types, until the author edits it."""
    return StringField(
        label,
        validators=[InputRequired(SLUG_REQUIRED), Length(max=80, message=TOO_LONG), Regexp(SLUG, message=SLUG_MESSAGE)],
        description=description,
        render_kw={"data-slug-from": source},
    )


def _title_field(missing: str) -> StringField:
    """A title, with the message shown when it is left empty."""
    return StringField(_l("Title"), validators=[InputRequired(missing), Length(max=200, message=TOO_LONG)])


class CourseForm(AuthorForm):
    slug_fields = {"slug": "title"}
    slug = _slug_field(
        _l("Address (slug)"),
        _l("Part of every address in the course; Lower-case words joined by hyphens, e.g. card-technology."),
    )
    title = _title_field(_l("Give the course a title."))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    language = StringField(
        _l("Language"),
        default="en",
        validators=[
            InputRequired(_l("Give the language of the course, such as en.")),
            Length(max=20, message=TOO_LONG),
            Regexp(LANGUAGE, message=_l("Use a language tag such as en, fr or pt-BR.")),
        ],
        description=_l("The language tag of the course's text, such as en, fr or pt-BR."),
    )


class ModuleForm(AuthorForm):
    slug_fields = {"slug": "title"}
    slug = _slug_field(_l("Address (slug)"))
    title = _title_field(_l("Give the module a title."))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])


class SourceRowForm(RowForm):
    """One source of a lesson; rows left entirely empty are dropped."""

    id = StringField(_l("Id"), validators=[Length(max=80)], description=_l("Cited in the text as [@id]."))
    title = StringField(_l("Title"), validators=[Length(max=500)])
    publisher = StringField(_l("Publisher"), validators=[Length(max=300)])
    date = StringField(_l("Date"), validators=[Length(max=40)])
    url = StringField(_l("Address (URL)"), validators=[Length(max=1000)])
    note = StringField(_l("Note"), validators=[Length(max=1000)])


class LessonForm(AuthorForm):
    slug_fields = {"slug": "title"}
    module = SelectField(_l("Module"), coerce=int)
    slug = StringField(
        _l("Address (slug)"),
        validators=[InputRequired(SLUG_REQUIRED), Length(max=80, message=TOO_LONG)],
        description=_l(
            "Students' progress and other lessons' links use it. Lower-case words joined "
            "by hyphens, e.g. card-technology."
        ),
        render_kw={"data-slug-from": "title"},
    )
    title = _title_field(_l("Give the lesson a title."))
    minutes = IntegerField(
        _l("Minutes to read"), default=5, validators=[InputRequired(message=_l("Give a whole number."))]
    )
    objectives = TextAreaField(
        _l("Objectives"),
        validators=[Length(max=5000)],
        description=_l("One per line: what a student can do after the lesson."),
    )
    key_terms = TextAreaField(
        _l("Key terms"), validators=[Length(max=2000)], description=_l("Glossary anchors, one per line.")
    )
    sources = FieldList(FormField(SourceRowForm), min_entries=1, max_entries=100)
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=200_000)],
        description=_l(
            "Cite a source with [@id]; show a figure with ![alt text](figures/name.png "
            '"caption"); link a glossary entry with [term](glossary#anchor) and another '
            "lesson with [text](lesson:slug)."
        ),
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))


class QuizForm(AuthorForm):
    slug_fields = {"slug": "title"}
    slug = StringField(
        _l("Address (slug)"),
        validators=[InputRequired(SLUG_REQUIRED), Length(max=80, message=TOO_LONG)],
        description=SLUG_HELP,
        render_kw={"data-slug-from": "title"},
    )
    title = _title_field(_l("Give the quiz a title."))
    placement = SelectField(_l("Place in the course"), description=_l("A module's quiz, or the final assessment."))
    pass_mark = IntegerField(
        _l("Pass mark (%)"), default=70, validators=[InputRequired(message=_l("Give a whole number."))]
    )
    max_attempts = IntegerField(
        _l("Attempts allowed"),
        default=0,
        description=_l("0 means unlimited."),
        validators=[InputRequired(message=_l("Give a whole number."))],
    )
    shuffle = BooleanField(_l("Shuffle the choices of each question for every attempt"), default=True)


class QuestionForm(AuthorForm):
    """The fields every question has; `question_form` adds those of the question's type."""

    slug_fields = {"key": "prompt"}
    slug_max = 40
    key = StringField(
        _l("Id"),
        validators=[
            InputRequired(_l("Give the question an id, or a question to make one from.")),
            Length(max=80, message=TOO_LONG),
        ],
        description=_l(
            "Unique in the quiz and stable: reports group answers by it. Made from the question if you leave it empty."
        ),
        render_kw={"data-slug-from": "prompt", "data-slug-max": "40"},
    )
    prompt = TextAreaField(_l("Question (Markdown)"), validators=[Length(max=20_000)])
    explanation = TextAreaField(
        _l("Explanation (Markdown)"),
        validators=[Length(max=20_000)],
        description=_l("Shown to the student after the attempt is submitted."),
    )
    source = StringField(
        _l("Source"),
        validators=[Length(max=500)],
        description=_l("A source id of the module's lessons, or a web address."),
    )
    objective = SelectField(_l("Learning objective"), validate_choice=False)
    points = StringField(_l("Points"), default="1", validators=[Length(max=20)])
    tags = StringField(_l("Tags"), validators=[Length(max=500)], description=_l("Separated by commas."))
    save = SubmitField(_l("Save the question"))


@cache
def question_form(qtype: QuestionType) -> type[QuestionForm]:
    """The question form for one type: the common fields and the type's own."""
    return type(f"{qtype.__class__.__name__}Form", (QuestionForm,), qtype.form_fields())


class FigureForm(AuthorForm):
    image = FileField(
        _l("Image"),
        validators=[FileRequired(_l("Choose an image file."))],
        description=_l("PNG, JPEG, WebP or SVG (SVG without scripts or external references)."),
    )
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=100)],
        description=_l("Used in lessons as figures/<name>; by default the file's name."),
    )
    replace = BooleanField(_l("Replace the figure of the same name"))


class ConfirmDeleteForm(AuthorForm):
    confirm = BooleanField(
        _l("I understand that this cannot be undone"), validators=[DataRequired(_l("Tick the box to confirm."))]
    )


class CoAuthorForm(AuthorForm):
    username = StringField(
        _l("Username of an instructor"),
        validators=[InputRequired(_l("Give the username of an instructor or administrator.")), Length(max=40)],
    )


def apply_row_action(form: FlaskForm, action: str | None) -> bool:
    """The row buttons of a choice or source list (add a row, remove one, move one up), which work without
    JavaScript: they change the form as submitted, not the database, and the page comes back for the author to go
    on and save. False when the submit was not a row button."""
    match = ROW_ACTION.match(action or "")
    if not match or match["field"] not in form or not isinstance(form[match["field"]], FieldList):
        return False
    rows_field = form[match["field"]]
    rows = [entry.data for entry in rows_field.entries]
    index = int(match["index"] or 0)
    if match["op"] == "add" and len(rows) < (rows_field.max_entries or 100):
        rows.append({})
    elif match["op"] == "remove" and index < len(rows):
        rows.pop(index)
    elif match["op"] == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    rows_field.process(None, rows)
    return True
