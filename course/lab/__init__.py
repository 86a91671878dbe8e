"""The ID Design Lab: students design a national ID system and see who can read, link and exclude.

The lab itself (data model, data files, designs, evaluation) is course.labmodel, pure and without Flask; this package
serves it: routes.py (the views) over page.py (what a page shows), drawing/ (pure SVG), records.py, progress.py,
catalogue.py (the lab in the reader's language) and the reviewed YAML data files, whose texts babel.cfg extracts from
here.
"""

from flask import Blueprint

bp = Blueprint("lab", __name__, url_prefix="/lab")

from course.lab import routes  # noqa: E402,F401  (routes attach themselves to bp)
