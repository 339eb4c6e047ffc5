"""Entry arrangements real CVs use: which text is the title, the employer, the institution, the
degree, the issuer, and where one entry ends, whatever order and layout the CV chose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tasks.cv import parse_pdf, parse_pdf_in_process
from tests import pdfs

BULLET = ("bullet", "•", "Cut handover errors by a third with a new checklist.")
PRIVATE_BULLET = ("bullet", pdfs.PRIVATE_USE_BULLET, "Trained six new colleagues.")
NURSE = ("Registered Nurse", "St. Mary's Hospital", "2019-03", None)
CHEF = ("Sous Chef", "Trattoria Bella", "2016-05", "2019-02")


def profile_of(tmp_path: Path, sections: dict[str, list[Any]]) -> dict[str, Any]:
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, pdfs.arranged_cv_pdf(sections)))
    assert outcome.status == "PARSED", outcome.reason
    assert outcome.profile is not None
    return outcome.profile


def jobs(profile: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(j["title"], j["company"], j["start"], j["end"]) for j in profile["experience"]]


ARRANGEMENTS = {
    "title-pipe-company, dates below": [
        "Registered Nurse | St. Mary's Hospital",
        "Mar 2019 - Present",
        BULLET,
        "Sous Chef | Trattoria Bella",
        "May 2016 - Feb 2019",
    ],
    "title-dash-company, dates right-aligned": [
        ("right", "Registered Nurse — St. Mary's Hospital", "03/2019 - Present"),
        BULLET,
        ("right", "Sous Chef — Trattoria Bella", "05/2016 - 02/2019"),
    ],
    "company line, then title with dates right-aligned": [
        "St. Mary's Hospital",
        ("right", "Registered Nurse", "Mar 2019 – Present"),
        BULLET,
        "Trattoria Bella",
        ("right", "Sous Chef", "May 2016 – Feb 2019"),
    ],
    "company-dash-title, dates right-aligned": [
        ("right", "St. Mary's Hospital — Registered Nurse", "Mar 2019 - Present"),
        ("right", "Trattoria Bella — Sous Chef", "May 2016 - Feb 2019"),
    ],
    "title, company on one line; dates and place below": [
        "Registered Nurse, St. Mary's Hospital",
        "March 2019 - Present | Dublin, Ireland",
        BULLET,
        "Sous Chef, Trattoria Bella",
        "May 2016 - February 2019 | Lyon, France",
    ],
    "title, company and place on three lines, dates on the place line": [
        "Registered Nurse",
        "St. Mary's Hospital",
        "Dublin, Ireland | Mar 2019 - Present",
        BULLET,
        "Sous Chef",
        "Trattoria Bella",
        "Lyon, France | May 2016 - Feb 2019",
    ],
    "dates before the title": [
        "2019-03 - present",
        "Registered Nurse",
        "St. Mary's Hospital",
        BULLET,
        "2016-05 - 2019-02",
        "Sous Chef",
        "Trattoria Bella",
    ],
    "table row: dates, title, company": [
        ("cells", ["03/2019 - Present", "Registered Nurse", "St. Mary's Hospital"]),
        BULLET,
        ("cells", ["05/2016 - 02/2019", "Sous Chef", "Trattoria Bella"]),
    ],
    "tab stops: title, company, dates": [
        ("cells", ["Registered Nurse", "St. Mary's Hospital", "Mar 2019 - Present"]),
        ("cells", ["Sous Chef", "Trattoria Bella", "May 2016 - Feb 2019"]),
    ],
    "title at company": [
        "Registered Nurse at St. Mary's Hospital",
        "Mar 2019 - Present",
        "Sous Chef at Trattoria Bella",
        "May 2016 - Feb 2019",
    ],
}


@pytest.mark.parametrize("arrangement", list(ARRANGEMENTS))
def test_job_title_and_employer_are_told_apart_in_every_arrangement(tmp_path, arrangement):
    # given
    sections = {"Experience": ARRANGEMENTS[arrangement]}
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert jobs(profile) == [NURSE, CHEF]


def test_a_table_cell_that_wraps_its_date_range_is_read_whole(tmp_path):
    # given: the date cell is too narrow for "February 2021 – July 2023"
    sections = {
        "Experience": [
            ("cells", ["February 2021 – July", "Marketing Manager", "Sunbeam Beverages"]),
            "2023",
            ("cells", ["December 2023 –", "Brand Manager", "Umbrella Corp"]),
            "Present",
        ]
    }
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert jobs(profile) == [
        ("Marketing Manager", "Sunbeam Beverages", "2021-02", "2023-07"),
        ("Brand Manager", "Umbrella Corp", "2023-12", None),
    ]


def test_private_use_bullet_glyphs_are_bullets_not_text(tmp_path):
    # given: Symbol/Wingdings-style bullets extract as private-use code points
    sections = {
        "Experience": [
            ("right", "Registered Nurse — St. Mary's Hospital", "03/2019 - Present"),
            PRIVATE_BULLET,
            PRIVATE_BULLET,
            ("right", "Sous Chef — Trattoria Bella", "05/2016 - 02/2019"),
        ],
        "Skills": [
            ("bullet", pdfs.PRIVATE_USE_BULLET, "Triage"),
            ("bullet", pdfs.PRIVATE_USE_BULLET, "Wound Care"),
        ],
    }
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert jobs(profile) == [NURSE, CHEF]
    description = profile["experience"][0]["description"].splitlines()
    assert [line.lstrip("• ") for line in description] == ["Trained six new colleagues."] * 2
    assert [skill["value"] for skill in profile["skills"]] == ["Triage", "Wound Care"]


def schools(profile: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["institution"], e["degree"], e["field"], e["start_year"], e["end_year"])
        for e in profile["education"]
    ]


EDUCATION = {
    "institution first, degree and years below": [
        "University of Cape Town",
        "Associate of Applied Science in Nursing",
        "2012 – 2014",
    ],
    "degree first, institution and years right-aligned": [
        "Associate of Applied Science in Nursing",
        ("right", "University of Cape Town", "2012 – 2014"),
    ],
    "degree, institution (years)": [
        "Associate of Applied Science in Nursing, University of Cape Town (2012 – 2014)"
    ],
    "degree — institution, years": [
        "Associate of Applied Science in Nursing — University of Cape Town, 2012 – 2014"
    ],
    "years first": [
        "2012 – 2014",
        "Associate of Applied Science in Nursing",
        "University of Cape Town",
    ],
    "table row: years, degree, institution": [
        (
            "cells",
            ["2012 – 2014", "Associate of Applied Science in Nursing", "University of Cape Town"],
        )
    ],
}


@pytest.mark.parametrize("arrangement", list(EDUCATION))
def test_institution_and_degree_are_told_apart_in_every_arrangement(tmp_path, arrangement):
    # given
    sections = {"Education": EDUCATION[arrangement]}
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert schools(profile) == [
        ("University of Cape Town", "Associate of Applied Science", "Nursing", 2012, 2014)
    ]


@pytest.mark.parametrize(
    "rows",
    [
        ["Basic Life Support — American Heart Association, 2019"],
        ["Basic Life Support (American Heart Association) 2019"],
        ["Basic Life Support, American Heart Association, 2019"],
        ["Basic Life Support | American Heart Association | 2019"],
        ["2019  Basic Life Support, American Heart Association"],
        ["Basic Life Support (2019), issued by American Heart Association"],
        ["Basic Life Support — American Heart Association (2019)"],
        ["Basic Life Support", "American Heart Association · 2019"],
    ],
)
def test_certificate_title_issuer_and_year_in_every_arrangement(tmp_path, rows):
    # given
    sections = {"Certifications": rows}
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Basic Life Support", "American Heart Association", 2019)
    ]


def test_a_comma_inside_a_certificate_title_stays_in_the_title(tmp_path):
    # given
    sections = {
        "Certifications": ["Oracle Certified Professional, Java SE 17 Developer — Oracle, 2021"]
    }
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Oracle Certified Professional, Java SE 17 Developer", "Oracle", 2021)
    ]


def test_arranged_entries_parse_the_same_through_the_sandbox(tmp_path):
    # given
    data = pdfs.arranged_cv_pdf({"Experience": ARRANGEMENTS["table row: dates, title, company"]})
    # when
    outcome = parse_pdf(pdfs.write(tmp_path, data))
    # then
    assert outcome.profile is not None
    assert jobs(outcome.profile) == [NURSE, CHEF]
