"""A course as stored: the same tree as a course folder, with Markdown kept and its sanitised HTML rendered once."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.users import utcnow


class Course(db.Model):
    """A course, keyed on its slug so that re-importing updates it in place."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="en")
    published: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0, server_default="0")  # catalog order; ties go by title
    glossary: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    quizzes: Mapped[list["Quiz"]] = relationship(back_populates="course", cascade="all, delete-orphan")
    figures: Mapped[list["Figure"]] = relationship(back_populates="course", cascade="all, delete-orphan")


class Module(db.Model):
    """A module: an ordered group of lessons ending in a quiz."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=True)
    # The teacher's guide (guide.yaml beside the lessons) as written, and rendered once; instructors only.
    teacher_guide: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    teacher_guide_html: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    """A lesson. Progress is keyed on (course, slug) through this row, which re-import updates, never replaces."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    position: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=True)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    lab_tasks: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    sources_html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(back_populates="lessons")


class Quiz(db.Model):
    """A module quiz or the final assessment. Submitted attempts keep their own copy of what was asked."""

    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    is_final: Mapped[bool] = mapped_column(default=False)
    pass_mark: Mapped[int] = mapped_column(default=70)
    max_attempts: Mapped[int] = mapped_column(default=0)
    shuffle: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(back_populates="quizzes")
    module: Mapped[Module | None] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    """One question; `spec` holds what its type needs (choices, answer, tolerance, accepted answers)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))
    prompt_markdown: Mapped[str] = mapped_column(Text)
    prompt_html: Mapped[str] = mapped_column(Text)
    explanation_markdown: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float] = mapped_column(default=1.0)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class Figure(db.Model):
    """An image a lesson shows, stored with the course so an export or a second server carries it along."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(50))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    course: Mapped[Course] = relationship(back_populates="figures")
