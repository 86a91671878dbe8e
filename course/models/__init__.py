"""The data model, split by area; import models from here."""

from course.models.content import Course, Figure, Lesson, Module, Question, Quiz
from course.models.progress import Attempt, LessonProgress
from course.models.users import Classroom, Enrollment, SiteSetting, User

__all__ = [
    "Attempt",
    "Classroom",
    "Course",
    "Enrollment",
    "Figure",
    "Lesson",
    "LessonProgress",
    "Module",
    "Question",
    "Quiz",
    "SiteSetting",
    "User",
]
