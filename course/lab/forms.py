"""The lab's one WTForms form: the title under which a design is saved. The design itself is checked by
course.labmodel.parse_design against options.yaml, so a form class never duplicates the list of choices."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from course.forms import BaseForm


class DesignTitleForm(BaseForm):
    """A saved design's title, as the author's design list and the class see it."""

    title = StringField(
        _l("Title for your design"),
        validators=[
            InputRequired(_l("Give your design a title.")),
            Length(max=120, message=_l("Keep the title under 120 characters.")),
        ],
    )
