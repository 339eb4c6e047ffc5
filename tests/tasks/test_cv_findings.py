"""Quality findings: gaps, overlaps, future dates and missing contact details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasks.cv import parse_pdf_in_process
from tasks.cv.findings import quality_findings
from tests import pdfs

TODAY = dt.date(2025, 6, 15)
CONTACT = {"email": {"value": "a@example.com"}, "phone": None}


def job(
    start: str, end: str | None, current: bool = False, title: str = "Engineer"
) -> dict[str, Any]:
    return {"title": title, "company": "Acme Inc", "start": start, "end": end, "current": current}


def codes(profile: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in quality_findings(profile, TODAY)]


def test_gap_of_more_than_a_year_is_reported():
    # given
    profile = {**CONTACT, "experience": [job("2015-01", "2017-03"), job("2018-05", "2020-01")]}
    # when
    findings = quality_findings(profile, TODAY)
    # then
    assert [f["code"] for f in findings] == ["EMPLOYMENT_GAP"]
    assert findings[0]["details"] == {"months": 13, "after": "2017-03", "before": "2018-05"}


def test_gap_of_exactly_a_year_is_not_reported():
    # given
    profile = {**CONTACT, "experience": [job("2015-01", "2017-03"), job("2018-04", "2020-01")]}
    # when / then
    assert codes(profile) == []


def test_year_only_dates_do_not_invent_gaps():
    # given: 2015-2017 then 2018-2020 may well be contiguous
    profile = {**CONTACT, "experience": [job("2015", "2017"), job("2018", "2020")]}
    # when / then
    assert codes(profile) == []


def test_overlapping_finished_jobs_are_reported():
    # given
    profile = {**CONTACT, "experience": [job("2016-01", "2019-06"), job("2019-01", "2021-01")]}
    # when
    findings = quality_findings(profile, TODAY)
    # then
    assert [f["code"] for f in findings] == ["OVERLAPPING_DATES"]
    assert findings[0]["details"]["months"] == 5


def test_a_one_month_handover_is_not_an_overlap():
    # given
    profile = {**CONTACT, "experience": [job("2016-01", "2019-02"), job("2019-01", "2021-01")]}
    # when / then
    assert codes(profile) == []


def test_ongoing_side_jobs_are_not_overlaps():
    # given
    profile = {**CONTACT, "experience": [job("2016-01", None, True), job("2019-01", None, True)]}
    # when / then
    assert codes(profile) == []


def test_future_dates_are_reported():
    # given
    profile = {
        **CONTACT,
        "experience": [job("2026-03", None, True)],
        "certifications": [{"title": "CKA", "issuer": "CNCF", "year": 2027}],
    }
    # when
    findings = quality_findings(profile, TODAY)
    # then
    assert [(f["code"], f["details"]["entry"]) for f in findings] == [
        ("FUTURE_DATE", "experience"),
        ("FUTURE_DATE", "certifications"),
    ]


def test_missing_contact_details_are_reported():
    # given
    profile = {"email": None, "phone": None, "experience": []}
    # when / then
    assert codes(profile) == ["NO_CONTACT_DETAILS"]


def test_findings_come_with_the_parse(tmp_path):
    # given
    experience = [
        {"title": "Analyst", "company": "Initech Ltd", "dates": "01/2010 - 06/2012"},
        {"title": "Lead Analyst", "company": "Umbrella Corp", "dates": "09/2014 - 02/2016"},
    ]
    data = pdfs.simple_cv_pdf(email="", phone="", experience=experience)
    # when
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, data))
    # then
    assert [f["code"] for f in outcome.findings] == ["NO_CONTACT_DETAILS", "EMPLOYMENT_GAP"]
