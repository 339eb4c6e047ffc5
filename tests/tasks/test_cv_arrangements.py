"""Entry arrangements real CVs use: which text is the title, the employer, the institution, the
degree, the issuer, and where one entry ends, whatever order and layout the CV chose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tasks.cv import parse_pdf, parse_pdf_in_process
from tasks.cv.structure import structure_profile
from tests import pdfs

BULLET = ("bullet", "•", "Cut handover errors by a third with a new checklist.")
PRIVATE_BULLET = ("bullet", pdfs.PRIVATE_USE_BULLET, "Trained six new colleagues.")
# (title, employer, city, start, end): four occupations, one ongoing job; employers are
# printed with their city ("Trattoria Bella, Lyon"), which is no part of the employer's name
CAREER = [
    ("Registered Nurse", "St. Mary's Hospital", "Dublin", (2019, 3), None),
    ("Sous Chef", "Trattoria Bella", "Lyon", (2016, 5), (2019, 2)),
    ("Master Electrician", "Brightspark Electrical Ltd", "Nairobi", (2013, 1), (2016, 4)),
    ("Mathematics Teacher", "Greenwood Academy", "Toronto", (2010, 9), (2012, 12)),
]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
EXPECTED = [
    (t, c, f"{s[0]}-{s[1]:02d}", f"{e[0]}-{e[1]:02d}" if e else None) for t, c, _, s, e in CAREER
]


def dates(start: tuple[int, int], end: tuple[int, int] | None, style: str = "mon") -> str:
    def one(ym: tuple[int, int]) -> str:
        if style == "slash":
            return f"{ym[1]:02d}/{ym[0]}"
        if style == "iso":
            return f"{ym[0]}-{ym[1]:02d}"
        return f"{MONTHS[ym[1] - 1]} {ym[0]}"

    return f"{one(start)} - {one(end) if end else 'Present'}"


def profile_of(tmp_path: Path, sections: dict[str, list[Any]]) -> dict[str, Any]:
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, pdfs.arranged_cv_pdf(sections)))
    assert outcome.status == "PARSED", outcome.reason
    assert outcome.profile is not None
    return outcome.profile


def jobs(profile: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(j["title"], j["company"], j["start"], j["end"]) for j in profile["experience"]]


ARRANGEMENTS: dict[str, Any] = {
    "title-pipe-company, dates below": lambda t, c, p, d: [f"{t} | {c}, {p}", d, BULLET],
    "title-dash-company, dates right-aligned": lambda t, c, p, d: [("right", f"{t} — {c}, {p}", d)],
    "company line, then title with dates right-aligned": lambda t, c, p, d: [
        f"{c}, {p}",
        ("right", t, d),
        BULLET,
    ],
    "company-dash-title, dates right-aligned": lambda t, c, p, d: [("right", f"{c}, {p} — {t}", d)],
    "title, company on one line; dates and place below": lambda t, c, p, d: [
        f"{t}, {c}",
        f"{d} | {p}",
        BULLET,
    ],
    "title, company and place on three lines, dates on the place line": lambda t, c, p, d: [
        t,
        c,
        f"{p} | {d}",
        BULLET,
    ],
    "dates before the title": lambda t, c, p, d: [d, t, f"{c}, {p}", BULLET],
    "table row: dates, title, company": lambda t, c, p, d: [("cells", [d, t, c]), BULLET],
    "tab stops: title, company, dates": lambda t, c, p, d: [("cells", [t, f"{c}, {p}", d])],
    "title at company": lambda t, c, p, d: [f"{t} at {c}, {p}", d],
}


@pytest.mark.parametrize("arrangement", list(ARRANGEMENTS))
def test_job_title_and_employer_are_told_apart_in_every_arrangement(tmp_path, arrangement):
    # given
    rows = [
        row
        for title, company, place, start, end in CAREER
        for row in ARRANGEMENTS[arrangement](title, company, place, dates(start, end, "slash"))
    ]
    # when
    profile = profile_of(tmp_path, {"Experience": rows})
    # then
    assert jobs(profile) == EXPECTED


def test_a_table_cell_that_wraps_its_date_range_is_read_whole(tmp_path):
    # given: the date cell is too narrow for "February 2021 - July 2023"
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
            "Registered Nurse — St. Mary's Hospital",
            "03/2019 - Present",
            PRIVATE_BULLET,
            PRIVATE_BULLET,
            "Sous Chef — Trattoria Bella",
            "05/2016 - 02/2019",
        ],
        "Skills": [
            ("bullet", pdfs.PRIVATE_USE_BULLET, "Triage"),
            ("bullet", pdfs.PRIVATE_USE_BULLET, "Wound Care"),
        ],
    }
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert jobs(profile) == EXPECTED[:2]
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


def test_certificate_title_issuer_and_year_in_every_arrangement(tmp_path):
    # given: one certificate per arrangement, in one list
    rows = [
        "Basic Life Support — American Heart Association, 2019",
        "Food Hygiene Level 3 (Highfield Qualifications) 2018",
        "Chartered Financial Analyst, CFA Institute, 2017",
        "Certified Paralegal | NALA | 2016",
        "2015  Qualified Teacher Status, Department for Education",
        "OSHA 30-Hour Construction (2014), issued by OSHA",
        "Lean Six Sigma Green Belt — ASQ (2013)",
        "Google UX Design Certificate",
        "Google · 2012",
    ]
    # when
    profile = profile_of(tmp_path, {"Certifications": rows})
    # then
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Basic Life Support", "American Heart Association", 2019),
        ("Food Hygiene Level 3", "Highfield Qualifications", 2018),
        ("Chartered Financial Analyst", "CFA Institute", 2017),
        ("Certified Paralegal", "NALA", 2016),
        ("Qualified Teacher Status", "Department for Education", 2015),
        ("OSHA 30-Hour Construction", "OSHA", 2014),
        ("Lean Six Sigma Green Belt", "ASQ", 2013),
        ("Google UX Design Certificate", "Google", 2012),
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
    arrange = ARRANGEMENTS["table row: dates, title, company"]
    rows = [row for t, c, p, s, e in CAREER for row in arrange(t, c, p, dates(s, e))]
    # when
    outcome = parse_pdf(pdfs.write(tmp_path, pdfs.arranged_cv_pdf({"Experience": rows})))
    # then
    assert outcome.profile is not None
    assert jobs(outcome.profile) == EXPECTED


def test_names_and_dates_wrapped_by_a_narrow_column_are_read_whole(tmp_path):
    # given: a legal form, a name after "of" and a parenthesised range each pushed to a new line
    sections = {
        "Experience": [
            "Business Development Manager at Bluefin Distribution",
            "LLC",
            "2011 - 2015",
        ],
        "Education": [
            "BA in Finance, Indian Institute of Science (2009 - 2012)",
            "Bachelor of Science in Economics, Stockholm School of",
            "Economics",
            "(2006 - 2009)",
        ],
    }
    # when
    profile = profile_of(tmp_path, sections)
    # then
    assert jobs(profile) == [
        ("Business Development Manager", "Bluefin Distribution LLC", "2011", "2015")
    ]
    assert schools(profile) == [
        ("Indian Institute of Science", "BA", "Finance", 2009, 2012),
        ("Stockholm School of Economics", "Bachelor of Science", "Economics", 2006, 2009),
    ]


def test_a_capital_placed_with_its_own_kerning_offset_stays_in_its_word():
    # given: layout text of a PDF whose producer kerned the "K" away from the rest of its word
    page = "Jane Doe\nCertifications\nCertified K         ubernetes Administrator, CNCF, 2019\n"
    # when
    profile = structure_profile([page])
    # then
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Certified Kubernetes Administrator", "CNCF", 2019)
    ]
