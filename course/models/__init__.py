"""The data model, split by area; import models from here."""

from course.models.authoring import Revision  # noqa: F401  (authoring's history, issue 4)
from course.models.content import Course, Figure, Lesson, Module, Question, Quiz
from course.models.governance import AuditEvent, CourseOwner
from course.models.lab import LabDesign, LabSubmission  # noqa: F401  (the lab's models, issue 5)
from course.models.progress import AnswerMark, Attempt, AttemptSummary, LessonProgress, QuestionSet
from course.models.scenario import Scenario, ScenarioAttempt
from course.models.users import Classroom, Enrollment, SiteSetting, User

__all__ = [
    "AnswerMark",
    "Attempt",
    "AttemptSummary",
    "AuditEvent",
    "Classroom",
    "Course",
    "CourseOwner",
    "Enrollment",
    "Figure",
    "Lesson",
    "LessonProgress",
    "Module",
    "Question",
    "QuestionSet",
    "Quiz",
    "Scenario",
    "ScenarioAttempt",
    "SiteSetting",
    "User",
]
