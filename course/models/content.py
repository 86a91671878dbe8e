"""A course as stored: the same tree as a course folder, with Markdown kept and its sanitised HTML rendered once."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import Model
from course.models.privacy import CONTENT, ROW_ID
from course.models.users import utcnow

if TYPE_CHECKING:  # the scenario models import this module
    from course.models.scenario import Scenario


class Course(Model):
    """A course, keyed on its slug so that re-importing updates it in place."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    slug: Mapped[str] = mapped_column(String(80), unique=True, info=CONTENT)
    title: Mapped[str] = mapped_column(String(200), info=CONTENT)
    summary: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    language: Mapped[str] = mapped_column(String(20), default="en", info=CONTENT)
    published: Mapped[bool] = mapped_column(default=True, info=CONTENT)
    position: Mapped[int] = mapped_column(
        default=0,
        server_default="0",
        info=CONTENT,
    )  # catalog order; ties go by title
    glossary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, info=CONTENT)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info=CONTENT)

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list["Quiz"]] = relationship(back_populates="course", cascade="all, delete-orphan")
    figures: Mapped[list["Figure"]] = relationship(back_populates="course", cascade="all, delete-orphan")


class Module(Model):
    """A module: an ordered group of lessons ending in a quiz."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), info=CONTENT)
    slug: Mapped[str] = mapped_column(String(80), info=CONTENT)
    title: Mapped[str] = mapped_column(String(200), info=CONTENT)
    summary: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    position: Mapped[int] = mapped_column(default=0, info=CONTENT)
    published: Mapped[bool] = mapped_column(default=True, info=CONTENT)
    # The teacher's guide (guide.yaml beside the lessons) as written, and rendered once; instructors only.
    teacher_guide: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=CONTENT)
    teacher_guide_html: Mapped[str] = mapped_column(Text, default="", info=CONTENT)

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )


class Lesson(Model):
    """A lesson. Progress is keyed on (course, slug) through this row, which re-import updates, never replaces."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), info=CONTENT)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), info=CONTENT)
    slug: Mapped[str] = mapped_column(String(80), info=CONTENT)
    title: Mapped[str] = mapped_column(String(200), info=CONTENT)
    minutes: Mapped[int] = mapped_column(default=5, info=CONTENT)
    position: Mapped[int] = mapped_column(default=0, info=CONTENT)
    published: Mapped[bool] = mapped_column(default=True, info=CONTENT)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list, info=CONTENT)
    key_terms: Mapped[list[str]] = mapped_column(JSON, default=list, info=CONTENT)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, info=CONTENT)
    lab_tasks: Mapped[list[str]] = mapped_column(JSON, default=list, info=CONTENT)
    body_markdown: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    body_html: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    sources_html: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    word_count: Mapped[int] = mapped_column(default=0, info=CONTENT)

    module: Mapped[Module] = relationship(back_populates="lessons")
    if TYPE_CHECKING:  # the backref of Scenario.lesson, declared for mypy only (an annotation here would map it)
        scenario: Mapped["Scenario | None"]


class Quiz(Model):
    """A module quiz or the final assessment. Submitted attempts keep their own copy of what was asked."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), info=CONTENT)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"), info=CONTENT)
    slug: Mapped[str] = mapped_column(String(80), info=CONTENT)
    title: Mapped[str] = mapped_column(String(200), info=CONTENT)
    is_final: Mapped[bool] = mapped_column(default=False, info=CONTENT)
    pass_mark: Mapped[int] = mapped_column(default=70, info=CONTENT)
    max_attempts: Mapped[int] = mapped_column(default=0, info=CONTENT)
    shuffle: Mapped[bool] = mapped_column(default=True, info=CONTENT)
    published: Mapped[bool] = mapped_column(default=True, info=CONTENT)

    course: Mapped[Course] = relationship(back_populates="quizzes")
    module: Mapped[Module | None] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Model):
    """One question; `spec` holds what its type needs (choices, answer, tolerance, accepted answers)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), info=CONTENT)
    key: Mapped[str] = mapped_column(String(80), info=CONTENT)
    position: Mapped[int] = mapped_column(default=0, info=CONTENT)
    type: Mapped[str] = mapped_column(String(20), info=CONTENT)
    prompt_markdown: Mapped[str] = mapped_column(Text, info=CONTENT)
    prompt_html: Mapped[str] = mapped_column(Text, info=CONTENT)
    explanation_markdown: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    explanation_html: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    source: Mapped[str] = mapped_column(String(500), default="", info=CONTENT)
    objective: Mapped[str] = mapped_column(Text, default="", info=CONTENT)
    points: Mapped[float] = mapped_column(default=1.0, info=CONTENT)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=CONTENT)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class Figure(Model):
    """An image a lesson shows, stored with the course so an export or a second server carries it along."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True, info=ROW_ID)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), info=CONTENT)
    name: Mapped[str] = mapped_column(String(200), info=CONTENT)
    media_type: Mapped[str] = mapped_column(String(50), info=CONTENT)
    data: Mapped[bytes] = mapped_column(LargeBinary, info=CONTENT)

    course: Mapped[Course] = relationship(back_populates="figures")
