"""Candidate CSV import: file-level refusals, per-row errors and the payloads handed on."""

from __future__ import annotations

import csv
import io
import json

import pytest

from resolvers.csv_import import COLUMNS, CsvFileError, CsvRow, parse_candidates_csv


def _csv(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _refusal(data: bytes, **kwargs: int) -> tuple[str, str]:
    with pytest.raises(CsvFileError) as caught:
        parse_candidates_csv(data, **kwargs)
    return caught.value.code, caught.value.message


def test_columns_are_the_documented_ones():
    assert COLUMNS == (
        "externalId",
        "firstName",
        "lastName",
        "email",
        "phone",
        "dateOfBirth",
        "gender",
        "location",
        "headline",
        "summary",
        "skills",
        "education",
        "workExperience",
        "certifications",
    )


def test_all_columns_with_multi_line_summary():
    # given
    education = [
        {
            "institution": "TU Berlin",
            "degree": "MSc",
            "fieldOfStudy": "Computer Science",
            "startDate": "2012-10-01",
            "endDate": "2014-09-30",
            "grade": "1.3",
            "description": "Thesis on query planning",
        }
    ]
    work = [
        {
            "companyName": "Acme",
            "jobTitle": "Engineer",
            "startDate": "2015-01-01",
            "isCurrent": True,
        },
        {"companyName": "Initech", "jobTitle": "Intern", "location": "Austin", "isCurrent": False},
    ]
    certifications = [
        {
            "name": "CKA",
            "issuer": "CNCF",
            "issueDate": "2020-05-01",
            "expiryDate": "2023-05-01",
            "credentialId": "LF-123",
            "credentialUrl": "https://example.org/c/LF-123",
        }
    ]
    data = _csv(
        list(COLUMNS),
        [
            " ext-1 ",
            "Ada",
            "Lovelace",
            "ada@example.org",
            "+49 151 2345678",
            "1990-12-10",
            "female",
            "Berlin, Germany",
            "Backend engineer",
            'First line, with a comma\nsecond "quoted" line\n',
            "Python:expert:6; SQL; Go::2.5;",
            json.dumps(education),
            json.dumps(work),
            json.dumps(certifications),
        ],
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(
            line=2,
            payload={
                "external_id": "ext-1",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.org",
                "phone": "+49 151 2345678",
                "date_of_birth": "1990-12-10",
                "gender": "female",
                "location": "Berlin, Germany",
                "headline": "Backend engineer",
                "summary": 'First line, with a comma\nsecond "quoted" line',
                "skills": [
                    {"name": "Python", "level": "EXPERT", "years": 6.0},
                    {"name": "SQL", "level": None, "years": None},
                    {"name": "Go", "level": None, "years": 2.5},
                ],
                "education": [
                    {
                        "institution": "TU Berlin",
                        "degree": "MSc",
                        "field_of_study": "Computer Science",
                        "start_date": "2012-10-01",
                        "end_date": "2014-09-30",
                        "grade": "1.3",
                        "description": "Thesis on query planning",
                    }
                ],
                "work_experience": [
                    {
                        "company_name": "Acme",
                        "job_title": "Engineer",
                        "start_date": "2015-01-01",
                        "is_current": True,
                    },
                    {
                        "company_name": "Initech",
                        "job_title": "Intern",
                        "location": "Austin",
                        "is_current": False,
                    },
                ],
                "certifications": [
                    {
                        "name": "CKA",
                        "issuer": "CNCF",
                        "issue_date": "2020-05-01",
                        "expiry_date": "2023-05-01",
                        "credential_id": "LF-123",
                        "credential_url": "https://example.org/c/LF-123",
                    }
                ],
            },
            errors=[],
        )
    ]


def test_byte_order_mark_and_header_case_and_spaces_are_accepted():
    # given
    data = "\ufeff FIRSTNAME ,lastname,Email\r\nAda,Lovelace,ada@example.org\r\n".encode()
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(2, {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"}, [])
    ]


def test_empty_cells_are_left_out_and_cells_trimmed():
    # given
    data = _csv(
        ["firstName", "lastName", "email", "summary", "skills", "education"],
        ["  Ada ", "Lovelace", "", "   ", " ; ; ", "  "],
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [CsvRow(2, {"first_name": "Ada", "last_name": "Lovelace", "skills": []}, [])]


def test_skills_with_bad_entries_are_reported_and_left_out():
    # given
    data = _csv(
        ["firstName", "lastName", "skills"],
        [
            "Ada",
            "Lovelace",
            "Python:Advanced:six; SQL; :EXPERT; Go::-1; Rust:a:1:2; Java::1e3; C::" + "9" * 400,
        ],
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(
            2,
            {"first_name": "Ada", "last_name": "Lovelace"},
            [
                (
                    "skills[0].years",
                    "INVALID_FORMAT",
                    'skills[0].years must be a number, not "six"',
                ),
                ("skills[2].name", "REQUIRED", "skills[2].name is required"),
                ("skills[4]", "INVALID_FORMAT", "skills[4] must be name[:level[:years]]"),
                (
                    "skills[5].years",
                    "INVALID_FORMAT",
                    'skills[5].years must be a number, not "1e3"',
                ),
                (
                    "skills[6].years",
                    "INVALID_FORMAT",
                    f'skills[6].years must be a number, not "{"9" * 400}"',
                ),
            ],
        )
    ]


def test_negative_years_are_passed_on_for_the_engine_to_judge():
    # given
    data = _csv(["firstName", "lastName", "skills"], ["Ada", "Lovelace", "Go::-1;C:beginner:.5"])
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows[0].errors == []
    assert rows[0].payload == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "skills": [
            {"name": "Go", "level": None, "years": -1.0},
            {"name": "C", "level": "BEGINNER", "years": 0.5},
        ],
    }


def test_more_than_100_skills_are_too_long():
    # given
    data = _csv(
        ["firstName", "lastName", "skills"],
        ["Ada", "Lovelace", ";".join(f"s{i}" for i in range(101))],
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(
            2,
            {"first_name": "Ada", "last_name": "Lovelace"},
            [("skills", "TOO_LONG", "skills may hold at most 100 entries")],
        )
    ]


@pytest.mark.parametrize(
    ("cell", "errors"),
    [
        ("[{", [("workExperience", "INVALID_FORMAT", "workExperience is not valid JSON")]),
        (
            '{"companyName": "Acme"}',
            [
                (
                    "workExperience",
                    "INVALID_FORMAT",
                    "workExperience must be a JSON array of objects",
                )
            ],
        ),
        (
            '[{"companyName": "Acme", "jobTitle": "Dev"}, "Acme"]',
            [("workExperience[1]", "INVALID_FORMAT", "workExperience[1] must be an object")],
        ),
        (
            '[{"companyName": "Acme", "jobTitle": "Dev", "salary": "1"}]',
            [
                (
                    "workExperience[0].salary",
                    "INVALID_FORMAT",
                    "workExperience[0].salary is not known",
                )
            ],
        ),
        (
            '[{"company_name": "Acme"}]',
            [
                (
                    "workExperience[0].company_name",
                    "INVALID_FORMAT",
                    "workExperience[0].company_name is not known",
                )
            ],
        ),
        (
            '[{}, {"companyName": "Acme", "jobTitle": "Dev", "isCurrent": "yes"}]',
            [
                (
                    "workExperience[1].isCurrent",
                    "INVALID_FORMAT",
                    "workExperience[1].isCurrent must be true or false",
                )
            ],
        ),
        (
            '[{"companyName": 42, "jobTitle": true}]',
            [
                (
                    "workExperience[0].companyName",
                    "INVALID_FORMAT",
                    "workExperience[0].companyName must be a string",
                ),
                (
                    "workExperience[0].jobTitle",
                    "INVALID_FORMAT",
                    "workExperience[0].jobTitle must be a string",
                ),
            ],
        ),
        (
            json.dumps([{"companyName": "Acme", "jobTitle": "Dev"}] * 51),
            [("workExperience", "TOO_LONG", "workExperience may hold at most 50 entries")],
        ),
        ("[" * 100_000, [("workExperience", "INVALID_FORMAT", "workExperience is not valid JSON")]),
    ],
    ids=[
        "invalid-json",
        "not-an-array",
        "not-an-object",
        "unknown-key",
        "snake-case-key",
        "not-a-bool",
        "not-a-string",
        "too-many",
        "too-deep",
    ],
)
def test_bad_json_column_is_reported_and_left_out(cell, errors):
    # given
    data = _csv(["firstName", "lastName", "workExperience"], ["Ada", "Lovelace", cell])
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [CsvRow(2, {"first_name": "Ada", "last_name": "Lovelace"}, errors)]


def test_json_nulls_are_not_given_and_other_columns_survive_a_bad_one():
    # given
    data = _csv(
        ["firstName", "lastName", "education", "certifications"],
        [
            "Ada",
            "Lovelace",
            '[{"institution": "MIT", "degree": null, "grade": 1.3}]',
            '[{"name": "CKA", "issuer": null}]',
        ],
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(
            2,
            {"first_name": "Ada", "last_name": "Lovelace", "certifications": [{"name": "CKA"}]},
            [("education[0].grade", "INVALID_FORMAT", "education[0].grade must be a string")],
        )
    ]


def test_unknown_and_repeated_columns_refuse_the_file():
    # given
    data = _csv(
        ["firstName", "lastName", "email", "EMAIL", "nickname", ""], ["A", "B", "", "", "", ""]
    )
    # when
    code, message = _refusal(data)
    # then
    assert code == "INVALID_FORMAT"
    assert message == (
        'line 1: unknown columns "nickname", ""; repeated columns email'
        f" (known columns: {', '.join(COLUMNS)})"
    )


def test_missing_name_columns_refuse_the_file():
    # given
    data = _csv(["email", "firstName"], ["ada@example.org", "Ada"])
    data_both = _csv(["email"], ["ada@example.org"])
    # when
    refusals = [_refusal(data), _refusal(data_both)]
    # then
    assert refusals == [
        ("REQUIRED", "line 1: the lastName columns are required"),
        ("REQUIRED", "line 1: the firstName and lastName columns are required"),
    ]


def test_non_utf8_file_is_refused_naming_the_line():
    # given
    data = "firstName,lastName\nAda,Lovelace\nJos\u00e9,Ruiz\n".encode("latin-1")
    # when
    refusal = _refusal(data)
    # then
    assert refusal == ("INVALID_FORMAT", "line 3: the file is not UTF-8 text")


@pytest.mark.parametrize(
    "data",
    [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"firstName,lastName\r\n", b"firstName,lastName\n\n,\n"],
    ids=["empty", "bom-only", "blank-lines", "header-only", "header-and-blank-rows"],
)
def test_file_without_candidate_rows_is_refused(data):
    # when
    code, _ = _refusal(data)
    # then
    assert code == "REQUIRED"


def test_more_rows_than_allowed_refuse_the_file():
    # given
    data = _csv(["firstName", "lastName"], ["A", "1"], ["B", "2"], [], ["C", "3"])
    # when
    refusal = _refusal(data, max_rows=2)
    rows = parse_candidates_csv(data, max_rows=3)
    # then
    assert refusal == ("TOO_LONG", "the file may hold at most 2 candidate rows")
    assert [row.line for row in rows] == [2, 3, 5]


def test_row_with_wrong_cell_count_has_no_payload():
    # given
    data = (
        b"firstName,lastName,email\nAda,Lovelace\nGrace,Hopper,g@example.org,extra\nAlan,Turing,\n"
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert rows == [
        CsvRow(2, None, [("", "INVALID_FORMAT", "the row has 2 cells but the header has 3")]),
        CsvRow(3, None, [("", "INVALID_FORMAT", "the row has 4 cells but the header has 3")]),
        CsvRow(4, {"first_name": "Alan", "last_name": "Turing"}, []),
    ]


def test_line_numbers_count_blank_lines_and_multi_line_cells():
    # given
    data = (
        b"\r\n"
        b"firstName,lastName,summary\r\n"
        b'Ada,Lovelace,"one\r\ntwo\r\n\r\nthree"\r\n'
        b"\r\n"
        b" , ,  \r\n"
        b'Grace,Hopper,"a\nb"\n'
        b"Alan,Turing,\n"
    )
    # when
    rows = parse_candidates_csv(data)
    # then
    assert [(row.line, row.payload) for row in rows] == [
        (3, {"first_name": "Ada", "last_name": "Lovelace", "summary": "one\r\ntwo\r\n\r\nthree"}),
        (9, {"first_name": "Grace", "last_name": "Hopper", "summary": "a\nb"}),
        (11, {"first_name": "Alan", "last_name": "Turing"}),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'firstName,lastName\nAda,"Love\nlace\nGrace,Hopper\n',
            "line 2: unexpected end of data",
        ),
        (b'firstName,lastName\nAda,Love\nGrace,"Hop"per\n', "line 3: ',' expected after '\"'"),
        (
            b"firstName,lastName\nAda,Lovelace\nGrace," + b"x" * ((1 << 20) + 1) + b"\n",
            "line 3: field larger than field limit (1048576)",
        ),
    ],
    ids=["unterminated-quote", "text-after-quote", "huge-cell"],
)
def test_malformed_csv_is_refused_naming_the_record_line(data, message):
    # when
    refusal = _refusal(data)
    # then
    assert refusal == ("INVALID_FORMAT", message)
