"""The ID Design Lab's engine, under the name it had when it lived in this package: everything is course.labmodel's.

Import from course.labmodel in new code; this module keeps `course.lab.engine` working for what already says it.
"""

from course.labmodel import *  # noqa: F403
from course.labmodel import __all__  # noqa: F401
