"""The base of every form: CSRF protection from Flask-WTF, and the one rule for typed text (course.sanitize's
`without_control_characters`) applied to every text field, so no form can reach the database with a NUL."""

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import Form, PasswordField, StringField, TextAreaField

from course.sanitize import without_control_characters


def _single_line(value):
    return without_control_characters(value, multiline=False) if isinstance(value, str) else value


def _multiline(value):
    return without_control_characters(value) if isinstance(value, str) else value


class TypedTextMeta:
    """Form meta that puts the control-character filter first on every text field. Passwords are left exactly as
    typed: only their hash is stored. Rows of a FieldList or FormField are forms with this meta themselves."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            text_filter = _multiline if issubclass(field_class, TextAreaField) else _single_line
            options = {**options, "filters": [text_filter, *unbound_field.kwargs.get("filters", ())]}
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every form of the site derives from this one."""

    class Meta(TypedTextMeta):
        pass


class RowForm(Form):
    """One row of a row editor (a source, a choice): a sub-form without a CSRF token of its own. WTForms' own
    messages ("Field cannot be longer than …") come in the reader's language, as in every FlaskForm."""

    class Meta(TypedTextMeta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                # WTForms builds a form's Meta class from every Meta along the form's MRO, ending in DefaultMeta
                return super().get_translations(form)  # type: ignore[misc]  # DefaultMeta, joined at run time
            return translations
