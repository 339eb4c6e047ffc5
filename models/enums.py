"""Enumerations stored in the database and shared with the GraphQL schema."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    RECRUITER = "RECRUITER"
    CANDIDATE = "CANDIDATE"
    PARTNER = "PARTNER"


class OrganizationKind(StrEnum):
    EMPLOYER = "EMPLOYER"
    AGENCY = "AGENCY"
    PARTNER = "PARTNER"


class CandidateSource(StrEnum):
    DIRECT = "DIRECT"
    PARTNER = "PARTNER"
    INTERNAL = "INTERNAL"


class SkillLevel(StrEnum):
    BEGINNER = "BEGINNER"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"
    EXPERT = "EXPERT"


class JobStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class EmploymentType(StrEnum):
    FULL_TIME = "FULL_TIME"
    PART_TIME = "PART_TIME"
    CONTRACT = "CONTRACT"
    TEMPORARY = "TEMPORARY"
    INTERNSHIP = "INTERNSHIP"


class ApplicationStage(StrEnum):
    APPLIED = "APPLIED"
    SCREENING = "SCREENING"
    INTERVIEW = "INTERVIEW"
    OFFER = "OFFER"
    HIRED = "HIRED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class DocumentStatus(StrEnum):
    PENDING = "PENDING"
    PARSING = "PARSING"
    PARSED = "PARSED"
    FAILED = "FAILED"
    NEEDS_OCR = "NEEDS_OCR"


class ApplyMode(StrEnum):
    """What a parsed CV does to the candidate's profile."""

    AUTO_FILL = "AUTO_FILL"
    SUGGEST = "SUGGEST"
    REPLACE = "REPLACE"


class EvaluationStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ImportKind(StrEnum):
    CANDIDATES = "CANDIDATES"
    JOBS = "JOBS"


class ImportMode(StrEnum):
    SYNC = "SYNC"
    ASYNC = "ASYNC"


class ImportStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    REVERTED = "REVERTED"


class ErrorPolicy(StrEnum):
    REJECT_EVERYTHING = "REJECT_EVERYTHING"
    REJECT_FAILED_ROWS = "REJECT_FAILED_ROWS"
    IGNORE_FAILED = "IGNORE_FAILED"


class CollectionMode(StrEnum):
    REPLACE = "REPLACE"
    MERGE = "MERGE"
    APPEND = "APPEND"


class UpsertOutcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    FAILED = "FAILED"


class MatchedBy(StrEnum):
    ID = "ID"
    EXTERNAL_ID = "EXTERNAL_ID"
    EMAIL = "EMAIL"
    PHONE = "PHONE"


class InterviewKind(StrEnum):
    PHONE = "PHONE"
    VIDEO = "VIDEO"
    ONSITE = "ONSITE"


class InterviewStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"


class Recommendation(StrEnum):
    STRONG_NO = "STRONG_NO"
    NO = "NO"
    YES = "YES"
    STRONG_YES = "STRONG_YES"


class NotificationEvent(StrEnum):
    APPLICATION_RECEIVED = "APPLICATION_RECEIVED"
    STAGE_CHANGED = "STAGE_CHANGED"
    INTERVIEW_SCHEDULED = "INTERVIEW_SCHEDULED"
    INTERVIEW_RESCHEDULED = "INTERVIEW_RESCHEDULED"
    INTERVIEW_CANCELLED = "INTERVIEW_CANCELLED"
    INTERVIEW_REMINDER = "INTERVIEW_REMINDER"
    JOB_DEADLINE = "JOB_DEADLINE"
    EVALUATION_COMPLETED = "EVALUATION_COMPLETED"
    IMPORT_FINISHED = "IMPORT_FINISHED"
    REGISTRATION_ATTEMPT = "REGISTRATION_ATTEMPT"


class NotificationChannel(StrEnum):
    IN_APP = "IN_APP"
    EMAIL = "EMAIL"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
