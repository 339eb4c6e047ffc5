"""Interviews as iCalendar (RFC 5545) files, and the route that serves them.

Written by hand: one VEVENT with the fields calendars use. METHOD:REQUEST for a scheduled
interview and METHOD:CANCEL once cancelled; the UID stays, SEQUENCE rises with every change,
so an imported invitation is updated in place rather than duplicated.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from models.enums import InterviewStatus
from models.interview import Interview
from resolvers.context import Context
from resolvers.interviews import can_view_interview, is_panel_side
from resolvers.routes import error_response, signed_in_context

PRODUCT_ID = "-//Talentgraph//Interviews//EN"


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 section 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on lines starting with a space (section 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    start = 0
    limit = 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74  # continuation lines start with the space
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def interview_ics(interview: Interview, title: str, description: str | None = None) -> str:
    """The interview as a VCALENDAR with one VEVENT (times in UTC)."""
    cancelled = interview.status is InterviewStatus.CANCELLED
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:interview-{interview.id}@talentgraph",
        f"DTSTAMP:{_stamp(interview.updated_at)}",
        f"DTSTART:{_stamp(interview.starts_at)}",
        f"DTEND:{_stamp(interview.ends_at)}",
        f"SEQUENCE:{interview.sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_escape(title)}",
    ]
    if interview.location:
        lines.append(f"LOCATION:{_escape(interview.location)}")
    if interview.meeting_url:
        lines.append(f"URL:{interview.meeting_url}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + "\r\n" for line in lines)


async def calendar_file(request: Request) -> Response:
    """`GET /interviews/{id}/calendar.ics` for whoever may see the interview, else 404."""
    ctx = await signed_in_context(request, "download calendar files")
    if not isinstance(ctx, Context):
        return ctx
    try:
        interview_id = uuid.UUID(request.path_params["interview_id"])
    except ValueError:
        return error_response(404, "NOT_FOUND", "Interview not found")
    async with ctx.session_factory() as session:
        interview = await session.get(Interview, interview_id)
    if interview is None or not can_view_interview(ctx.viewer, interview):
        return error_response(404, "NOT_FOUND", "Interview not found")
    job = await ctx.loaders.at(("calendar",)).job.load(interview.job_id)
    title = f"Interview: {job.title}" if job is not None else "Interview"
    notes = (
        interview.preparation_notes
        if is_panel_side(ctx.viewer, interview.organization_id)
        else None
    )
    return Response(
        interview_ics(interview, title, notes),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
