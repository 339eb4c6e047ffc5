"""Structuring real generated CVs: fields, layouts, headings, dates, names, running headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tasks.cv import cli_json, parse_pdf, parse_pdf_in_process
from tasks.cv.structure import structure_profile
from tests import pdfs


def parsed(tmp_path: Path, data: bytes) -> dict[str, Any]:
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, data))
    assert outcome.status == "PARSED", outcome.reason
    assert outcome.profile is not None
    return outcome.profile


def jobs(profile: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (job["title"], job["company"], job["start"], job["end"], job["current"])
        for job in profile["experience"]
    ]


EXPECTED_JOBS = [
    ("Senior Software Engineer", "Acme Analytics GmbH", "2019-01", None, True),
    ("Software Engineer", "Globex Corporation", "2015-03", "2018-12", False),
]


def test_one_column_cv_yields_every_field(tmp_path):
    # given
    data = pdfs.simple_cv_pdf(
        links=["https://github.com/janedoe"],
        languages=["English (native)", "German (C1)"],
        certifications=["AWS Certified Developer – Associate, Amazon Web Services, 2021"],
    )
    # when
    outcome = parse_pdf(pdfs.write(tmp_path, data))
    # then
    profile = outcome.profile
    assert outcome.status == "PARSED"
    assert profile is not None
    assert profile["name"]["value"] == "Jane Doe"
    assert (profile["first_name"], profile["last_name"]) == ("Jane", "Doe")
    assert profile["headline"]["value"] == "Senior Software Engineer"
    assert profile["email"]["value"] == "jane.doe@example.com"
    assert profile["phone"]["value"] == "+49301234567"
    assert profile["location"]["value"] == "Berlin, Germany"
    assert profile["summary"]["value"].startswith("Backend engineer with ten years")
    assert [s["value"] for s in profile["skills"]] == [
        "Python",
        "PostgreSQL",
        "Kubernetes",
        "GraphQL",
    ]
    assert [s["value"] for s in profile["languages"]] == ["English", "German"]
    assert [s["value"] for s in profile["links"]] == ["https://github.com/janedoe"]
    assert jobs(profile) == EXPECTED_JOBS
    assert [
        (e["institution"], e["degree"], e["field"], e["start_year"], e["end_year"])
        for e in profile["education"]
    ] == [("Technical University of Munich", "Master of Science", "Computer Science", 2012, 2014)]
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("AWS Certified Developer – Associate", "Amazon Web Services", 2021)
    ]
    assert (profile["text_layer"], profile["page_count"], profile["layout"]) == (
        True,
        1,
        "one-column",
    )


def test_every_value_keeps_confidence_and_source(tmp_path):
    # given
    profile = parsed(tmp_path, pdfs.simple_cv_pdf())
    # when
    email = profile["email"]
    first_job = profile["experience"][0]
    # then
    assert email["source"] == {"page": 1, "line": 3}
    assert 0 < email["confidence"] <= 1
    assert first_job["source"] == {"page": 1, "line": 7}
    assert 0 < first_job["confidence"] <= 1


def test_two_column_cv_reads_each_column_in_order(tmp_path):
    # given
    data = pdfs.two_column_cv_pdf(certifications=["Certified Kubernetes Administrator, CNCF, 2022"])
    # when
    profile = parsed(tmp_path, data)
    # then
    assert profile["layout"] == "two-column"
    assert profile["name"]["value"] == "Jane Doe"
    assert profile["email"]["value"] == "jane.doe@example.com"
    assert jobs(profile) == EXPECTED_JOBS
    assert [e["institution"] for e in profile["education"]] == ["Technical University of Munich"]
    assert [s["value"] for s in profile["skills"]] == [
        "Python",
        "PostgreSQL",
        "Kubernetes",
        "GraphQL",
    ]
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Certified Kubernetes Administrator", "CNCF", 2022)
    ]


def test_sidebar_cv_finds_the_name_in_the_main_column(tmp_path):
    # given
    data = pdfs.sidebar_cv_pdf(languages=["English (native)", "Spanish (B2)"])
    # when
    profile = parsed(tmp_path, data)
    # then
    assert profile["layout"] == "sidebar"
    assert profile["name"]["value"] == "Jane Doe"
    assert profile["headline"]["value"] == "Senior Software Engineer"
    assert profile["location"]["value"] == "Berlin, Germany"
    assert [s["value"] for s in profile["languages"]] == ["English", "Spanish"]
    assert jobs(profile) == EXPECTED_JOBS


@pytest.mark.parametrize(
    ("dates", "start", "end", "current"),
    [
        ("Jan 2019 - Present", "2019-01", None, True),
        ("January 2019 – Current", "2019-01", None, True),
        ("2019-01 to 2021-06", "2019-01", "2021-06", False),
        ("03/2018 - 11/2020", "2018-03", "2020-11", False),
        ("2015 - 2018", "2015", "2018", False),
        ("Since 2020", "2020", None, True),
        ("Sept. 2016 — Feb. 2017", "2016-09", "2017-02", False),
    ],
)
def test_date_formats(tmp_path, dates, start, end, current):
    # given
    job = {"title": "Data Analyst", "company": "Initech Ltd", "dates": dates}
    # when
    profile = parsed(tmp_path, pdfs.simple_cv_pdf(experience=[job]))
    # then
    assert jobs(profile) == [("Data Analyst", "Initech Ltd", start, end, current)]


@pytest.mark.parametrize("style", ["title-company", "company-first", "inline"])
def test_job_arrangements(tmp_path, style):
    # given
    experience = [{**job, "style": style} for job in pdfs.DEFAULT_EXPERIENCE]
    # when
    profile = parsed(tmp_path, pdfs.simple_cv_pdf(experience=experience))
    # then
    assert jobs(profile) == EXPECTED_JOBS


@pytest.mark.parametrize(
    ("experience", "education", "skills"),
    [
        ("Work History", "Academic Background", "Technical Skills"),
        ("PROFESSIONAL EXPERIENCE", "EDUCATION", "CORE COMPETENCIES"),
        ("Employment:", "Education & Training", "Skills & Tools"),
    ],
)
def test_heading_variants(tmp_path, experience, education, skills):
    # given
    headings = {"experience": experience, "education": education, "skills": skills}
    # when
    profile = parsed(tmp_path, pdfs.simple_cv_pdf(headings=headings))
    # then
    assert len(profile["experience"]) == 2
    assert len(profile["education"]) == 1
    assert len(profile["skills"]) == 4


def test_licenses_and_certifications_heading(tmp_path):
    # given
    data = pdfs.simple_cv_pdf(
        headings={"certifications": "Licenses & Certifications"},
        certifications=["Project Management Professional (PMP) | PMI | 2020"],
    )
    # when
    profile = parsed(tmp_path, data)
    # then
    assert [(c["title"], c["issuer"], c["year"]) for c in profile["certifications"]] == [
        ("Project Management Professional (PMP)", "PMI", 2020)
    ]


@pytest.mark.parametrize("name", ["Zoë Åkesson", "José Núñez-García", "Łukasz Żółkiewski"])
def test_non_ascii_names(tmp_path, name):
    # given
    data = pdfs.simple_cv_pdf(name=name)
    # when
    profile = parsed(tmp_path, data)
    # then
    assert profile["name"]["value"] == name


def test_running_headers_and_page_numbers_are_dropped(tmp_path):
    # given: two pages with a running header and "Page n of 2" footers
    data = pdfs.simple_cv_pdf(
        running_header="Jane Doe · Curriculum Vitae", footer_page_numbers=True, filler_bullets=30
    )
    # when
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, data))
    # then
    assert outcome.page_count == 2
    assert outcome.profile is not None
    assert jobs(outcome.profile) == EXPECTED_JOBS
    descriptions = "\n".join(job["description"] for job in outcome.profile["experience"])
    assert "Curriculum Vitae" not in descriptions
    assert "Page 1 of 2" not in descriptions
    assert len(outcome.profile["skills"]) == 4


def test_cli_json_has_plain_values(tmp_path):
    # given
    outcome = parse_pdf_in_process(pdfs.write(tmp_path, pdfs.simple_cv_pdf()))
    # when
    printed = cli_json(outcome)
    # then
    assert {
        "name",
        "email",
        "phone",
        "location",
        "skills",
        "experience",
        "education",
        "certifications",
        "text_layer",
    } <= set(printed)
    assert printed["name"] == "Jane Doe"
    assert printed["skills"] == ["Python", "PostgreSQL", "Kubernetes", "GraphQL"]
    assert printed["experience"][0] == {
        "company": "Acme Analytics GmbH",
        "title": "Senior Software Engineer",
        "start": "2019-01",
        "end": None,
        "current": True,
    }
    assert printed["education"][0]["start_year"] == 2012
    assert printed["text_layer"] is True


def skills_of(*rows: str) -> list[str]:
    page = "\n".join(["Jane Doe", "jane@example.com", "", "Skills", *rows, "", "Education", ""])
    return [skill["value"] for skill in structure_profile([page])["skills"]]


def test_a_comma_list_wrapped_in_the_middle_of_a_skill_is_joined_again():
    # given: the text ran out of room after "Power"
    rows = ("Git, Machine Learning, TensorFlow, Power", "BI, GraphQL")
    # when
    skills = skills_of(*rows)
    # then
    assert skills == ["Git", "Machine Learning", "TensorFlow", "Power BI", "GraphQL"]


def test_a_short_line_of_a_comma_list_is_a_deliberate_break():
    # given: two groups, the first well short of the widest line
    rows = ("Python, Go", "Docker, Kubernetes, Terraform, Ansible")
    # when
    skills = skills_of(*rows)
    # then
    assert skills == ["Python", "Go", "Docker", "Kubernetes", "Terraform", "Ansible"]


def test_justified_spacing_inside_a_comma_list_does_not_split_skills():
    # given: a justified paragraph stretches the spaces between words
    rows = ("CI/CD,         SQL,         GCP,", "Stakeholder   Management,", "Java, Go")
    # when
    skills = skills_of(*rows)
    # then
    assert skills == [
        "Continuous Integration",
        "SQL",
        "Google Cloud Platform",
        "Stakeholder Management",
        "Java",
        "Go",
    ]


def test_a_list_without_separators_still_splits_on_wide_gaps():
    # given
    rows = ("Python     Java     Rust",)
    # when
    skills = skills_of(*rows)
    # then
    assert skills == ["Python", "Java", "Rust"]


def test_skills_come_out_as_the_product_names_them():
    # given: other spellings of known skills, a duplicate under two names, an unknown skill
    rows = ("JS, Javascript, k8s, Postgres, golang, Figma, Quantum Knitting",)
    # when
    skills = skills_of(*rows)
    # then: canonical names from models/skill_aliases.py, once each; unknown ones as written
    assert skills == [
        "JavaScript",
        "Kubernetes",
        "PostgreSQL",
        "Go",
        "Figma",
        "Quantum Knitting",
    ]


def schools_of(*rows: str) -> list[tuple[Any, ...]]:
    page = "\n".join(["Jane Doe", "jane@example.com", "", "Education", *rows])
    return [
        (school["institution"], school["degree"], school["start_year"], school["end_year"])
        for school in structure_profile([page])["education"]
    ]


@pytest.mark.parametrize(
    "rows",
    [
        ("Universidad de Madrid — PhD in Electrical Engineering (2011 –", "2014)"),
        ("Universidad de Madrid — PhD in Electrical Engineering (2011", "– 2014)"),
        ("Universidad de Madrid — PhD in Electrical Engineering (2011 – 2014)",),
    ],
)
def test_a_date_range_cut_by_a_line_wrap_is_read_whole(rows):
    # when
    schools = schools_of(*rows)
    # then
    assert schools == [("Universidad de Madrid", "PhD", 2011, 2014)]


@pytest.mark.parametrize(
    ("rows", "location"),
    [
        (("jane@example.com | +47 25618 2126 | Oslo,", "Norway"), "Oslo, Norway"),
        (
            ("Location: London, United", "Kingdom", "Phone: +44 20 7946 0958"),
            "London, United Kingdom",
        ),
        (("Location: Austin, TX", "Curious and data-driven"), "Austin, TX"),
    ],
)
def test_a_wrapped_contact_line_is_read_whole(rows, location):
    # given
    page = "\n".join(["Jane Doe", *rows, "", "Skills", "Python", ""])
    # when
    profile = structure_profile([page])
    # then
    assert profile["location"]["value"] == location


def test_an_email_and_a_phone_broken_by_a_narrow_column_are_read_whole():
    # given: both values ran out of room in the sidebar
    rows = (
        "Email:",
        "agnieszka.okafor@inbox.exa",
        "mple.net",
        "· Madrid, Spain · +34 91 8342",
        "8801",
    )
    page = "\n".join(["Agnieszka Okafor", *rows, "", "Skills", "Python", ""])
    # when
    profile = structure_profile([page])
    # then
    assert profile["email"]["value"] == "agnieszka.okafor@inbox.example.net"
    assert profile["phone"]["value"] == "+34 91 8342 8801"  # not a valid number: kept as written


def test_a_national_number_is_never_given_another_countrys_code():
    # given: a London CV whose number is not a valid UK number
    page = "\n".join(["Jane Doe", "London, United Kingdom", "Phone: 020 9279 8157", ""])
    # when
    profile = structure_profile([page])
    # then: kept as written, not read as a German number
    assert profile["phone"]["value"] == "020 9279 8157"
