"""Imports every table module so `SQLModel.metadata` knows the whole schema."""

from models.application import Application, ApplicationEvent
from models.audit import AuditLog
from models.candidate import Candidate, CandidateSkill, Certification, Education, WorkExperience
from models.document import Document
from models.evaluation import Evaluation
from models.imports import IdempotencyKey, ImportBatch, ImportRow
from models.interview import Interview, InterviewPanelist, Note, Scorecard
from models.job import Job, JobSkill, SavedJob
from models.notification import (
    Notification,
    NotificationDelivery,
    NotificationPreference,
    Reminder,
)
from models.organization import Organization, RefreshToken, User
from models.outbox import OutboxMessage
from models.skill import Skill

__all__ = [
    "Application",
    "ApplicationEvent",
    "AuditLog",
    "Candidate",
    "CandidateSkill",
    "Certification",
    "Document",
    "Education",
    "Evaluation",
    "IdempotencyKey",
    "ImportBatch",
    "ImportRow",
    "Interview",
    "InterviewPanelist",
    "Job",
    "JobSkill",
    "Note",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "Organization",
    "OutboxMessage",
    "RefreshToken",
    "Reminder",
    "SavedJob",
    "Scorecard",
    "Skill",
    "User",
    "WorkExperience",
]
