"""Text a producer wrapped inside a narrow column or cell, and the fonts that tell it apart: a
title wrapped next to its dates, an institution or a certificate wrapped at the column's edge,
the rest of a table cell, a bold title over an oblique issuer, the name printed largest; and
lines that only look wrapped (a degree over its school, a contact field) kept apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tasks.cv import parse_pdf_in_process
from tasks.cv.layout import reading_order
from tasks.cv.runs import Row, Run, _fixed_width, layout_text
from tests import pdfs

CONTACT = [
    ("p", "B", "Contact", 12),
    ("p", "", "ana.lima@example.com", 9),
    ("p", "", "+351 21 123 4567", 9),
    ("p", "", "Lisbon, Portugal", 9),
    ("gap", 3),
]
SKILLS = [
    ("gap", 3),
    ("p", "B", "Skills", 12),
    *(("p", "", skill, 9) for skill in ("TypeScript", "React", "GraphQL", "Docker", "Figma")),
]
HEADER = [
    ("p", "B", "Ana Lima", 20),
    ("p", "", "Frontend Developer", 12),
    ("gap", 3),
    ("p", "B", "Summary", 12),
    ("p", "", "Frontend developer who likes clear processes and honest feedback.", 10),
    ("gap", 3),
]


def parsed(tmp_path: Path, sidebar: list[Any], main: list[Any], width: float = 45) -> Any:
    path = pdfs.write(tmp_path, pdfs.styled_columns_pdf([*sidebar, *SKILLS], main, width))
    outcome = parse_pdf_in_process(path)
    assert outcome.status == "PARSED", outcome.reason
    return outcome


def rows_of(outcome: Any) -> list[str]:
    return [row.strip() for row in outcome.text.split("\n")]


def test_a_title_wrapped_in_its_cell_next_to_its_dates_is_one_title(tmp_path):
    # given: bold titles in a cell too narrow for them, the dates right-aligned beside it
    main = [
        *HEADER,
        ("p", "B", "Experience", 12),
        ("p", "B", "Hooli Inc.", 10),
        ("dated", "B", "Junior Frontend Developer", 40, "Sep 2022 - Present"),
        ("bullet", "Trained and mentored six new colleagues."),
        ("gap", 3),
        ("p", "B", "Pied Piper", 10),
        ("dated", "B", "Software Engineer", 60, "Feb 2021 - Aug 2022"),
        ("bullet", "Built the release pipeline."),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main)
    # then: the printed title ran onto a row of its own, and reads whole again
    assert "Developer" in rows_of(outcome)
    jobs = [(j["title"], j["company"], j["start"]) for j in outcome.profile["experience"]]
    assert jobs == [
        ("Junior Frontend Developer", "Hooli Inc.", "2022-09"),
        ("Software Engineer", "Pied Piper", "2021-02"),
    ]


def test_an_institution_wrapped_at_the_edge_of_a_narrow_column_is_one_institution(tmp_path):
    # given: a degree line too long for the main column next to a wide sidebar
    main = [
        *HEADER,
        ("p", "B", "Education", 12),
        ("p", "", "MSc in Computer Science and Statistics - Trinity College Dublin, 2020", 10),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main, width=55)
    # then
    assert "Trinity College Dublin" not in outcome.text  # the print broke the name
    schools = [(e["institution"], e["degree"], e["end_year"]) for e in outcome.profile["education"]]
    assert schools == [("Trinity College Dublin", "MSc", 2020)]


def test_certificates_wrapped_in_the_sidebar_are_read_whole(tmp_path):
    # given: each certificate wraps over two to four rows of the sidebar
    sidebar = [
        *CONTACT,
        ("p", "B", "Certifications", 12),
        ("p", "", "Certified Kubernetes Administrator, Cloud Native Computing Foundation, 2019", 9),
        ("gap", 2),
        ("p", "", "AWS Certified Developer - Associate, Amazon Web Services, 2016", 9),
    ]
    # when
    outcome = parsed(tmp_path, sidebar, [*HEADER, ("p", "B", "Summary", 12)])
    # then
    assert "Foundation, 2019" in rows_of(outcome)
    certs = [(c["title"], c["issuer"], c["year"]) for c in outcome.profile["certifications"]]
    assert certs == [
        ("Certified Kubernetes Administrator", "Cloud Native Computing Foundation", 2019),
        ("AWS Certified Developer - Associate", "Amazon Web Services", 2016),
    ]


def test_the_wrapped_rest_of_a_table_cell_goes_back_into_its_cell(tmp_path):
    # given: education as a table of dates, degree and institution, cells wrapping
    main = [
        *HEADER,
        ("p", "B", "Education", 12),
        (
            "table",
            [
                (28, "2014 - 2016"),
                (45, "MA in Industrial Engineering"),
                (45, "Universidad de Buenos Aires"),
            ],
        ),
        (
            "table",
            [(28, "2010 - 2014"), (45, "BSc in Mathematics"), (45, "University of Auckland")],
        ),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main, width=40)
    # then
    assert "Universidad de Buenos Aires" not in outcome.text  # the print broke the name
    schools = [
        (e["institution"], e["degree"], e["start_year"]) for e in outcome.profile["education"]
    ]
    assert schools == [
        ("Universidad de Buenos Aires", "MA", 2014),
        ("University of Auckland", "BSc", 2010),
    ]


def test_a_bold_certificate_title_over_its_oblique_issuer_is_a_title_and_an_issuer(tmp_path):
    # given: a title with a comma of its own, the issuer and year in another face below
    main = [
        *HEADER,
        ("p", "B", "Certifications", 12),
        ("p", "B", "Oracle Certified Professional, Java SE 17 Developer", 10),
        ("p", "I", "Oracle · 2020", 10),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main)
    # then
    certs = [(c["title"], c["issuer"], c["year"]) for c in outcome.profile["certifications"]]
    assert certs == [("Oracle Certified Professional, Java SE 17 Developer", "Oracle", 2020)]


def test_a_degree_wrapped_in_a_narrow_column_is_read_whole_and_its_school_apart(tmp_path):
    # given: a degree too long for the narrow column, its school on the next row
    main = [
        *HEADER,
        ("p", "B", "Education", 12),
        ("p", "", "Master of Science in Computer Science", 10),
        ("p", "", "Technical University of Munich, 2012 - 2014", 10),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main, width=95)
    # then
    schools = [(e["institution"], e["degree"]) for e in outcome.profile["education"]]
    assert schools == [("Technical University of Munich", "Master of Science")]


def test_contact_fields_on_consecutive_rows_stay_apart(tmp_path):
    # given: a phone number that nearly fills the sidebar, the city below it
    sidebar = [
        ("p", "B", "Contact", 12),
        ("p", "", "ana.lima@example.com", 9),
        ("p", "", "+351 21 123 4567 89", 9),
        ("p", "", "Lisbon, Portugal", 9),
    ]
    # when
    outcome = parsed(tmp_path, sidebar, HEADER, width=38)
    # then
    assert outcome.profile["location"]["value"] == "Lisbon, Portugal"


def test_the_name_is_the_name_like_text_printed_largest(tmp_path):
    # given: a sidebar that opens with a person's name in small type (a reference), the CV's
    # name large in the main column
    sidebar = [("p", "", "Maria Santos", 9), *CONTACT]
    # when
    outcome = parsed(tmp_path, sidebar, HEADER)
    # then
    assert outcome.profile["layout"] == "sidebar"
    assert outcome.profile["name"]["value"] == "Ana Lima"


def test_a_heading_our_word_lists_do_not_know_ends_the_section_above_it(tmp_path):
    # given: a "Research Grants" section, set like the known headings, after the jobs
    main = [
        *HEADER,
        ("p", "B", "Experience", 12),
        ("p", "B", "Hooli Inc.", 10),
        ("dated", "B", "Data Engineer", 60, "Sep 2022 - Present"),
        ("bullet", "Built the release pipeline."),
        ("gap", 3),
        ("p", "B", "Research Grants", 12),
        ("dated", "", "Coastal Sensing Fellowship", 60, "2019 - 2021"),
        ("gap", 3),
        ("p", "B", "Education", 12),
        ("p", "", "MSc in Computer Science - Trinity College Dublin, 2020", 10),
    ]
    # when
    outcome = parsed(tmp_path, CONTACT, main)
    # then: the grant is no job
    jobs = [(j["title"], j["company"]) for j in outcome.profile["experience"]]
    assert jobs == [("Data Engineer", "Hooli Inc.")]


def test_layout_text_keeps_the_font_of_every_run(tmp_path):
    # given
    main = [*HEADER, ("p", "B", "Experience", 12), ("bullet", "Built the release pipeline.")]
    path = pdfs.write(tmp_path, pdfs.styled_columns_pdf(CONTACT, main, 45))
    page = PdfReader(path).pages[0]
    # when
    text, rows = layout_text(page)
    # then: the text is pypdf's layout text, and each row says how it is drawn
    assert text == page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
    assert len(rows) == len(text.split("\n"))
    drawn = {
        line[run.start : run.end]: (run.bold, round(run.size))
        for line, row in zip(text.split("\n"), rows, strict=True)
        for run in row.runs
    }
    assert drawn["Ana Lima"] == (True, 20)
    assert drawn["Frontend Developer"] == (False, 12)
    assert drawn["Experience"] == (True, 12)
    assert drawn["Built the release pipeline."] == (False, 10)


def run_group(text: str, x0: float, x1: float, y: float, bold: bool = False) -> dict[str, Any]:
    """One text run as pypdf's layout mode records it (with the font this parser adds)."""
    return {
        "tx": x0,
        "ty": y,
        "font_size": 10.0,
        "font_height": 10.0,
        "text": text,
        "displaced_tx": x1,
        "flip_sort": 1,
        "font": "DejaVuSans-Bold" if bold else "DejaVuSans",
        "bold": bold,
    }


def test_columns_set_wider_than_the_average_character_do_not_run_together():
    # given: a sidebar line whose 27 characters end where the 27th column would begin, and
    # the main column's text on the same row, far to its right on the page
    rows = {700: [run_group("Certified Accountants, 2013", 0, 370, 700)]}
    rows[650] = [
        run_group("Certified Accountants, 2013", 0, 370, 650),
        run_group("Lumen Bank plc", 748, 1000, 650, bold=True),
    ]
    # when
    text, styles = _fixed_width(rows, char_width=27.0)
    # then: two spaces keep them apart, and the runs say where each is on the page
    assert text.split("\n")[1] == "Certified Accountants, 2013  Lumen Bank plc"
    (left, right) = styles[1].runs
    assert (left.start, left.end, right.start, right.end) == (0, 27, 29, 43)
    assert (right.x0, right.bold, left.bold) == (748, True, False)


def two_runs(y: float, left: str, right: str, right_column: int) -> tuple[str, Row]:
    """A row of a sidebar page: the left text from x 0, the right one from x 800 (20 units a
    character on the page), `right_column` where layout text put the right one."""
    line = f"{left:<{right_column}}{right}"
    runs = (
        Run(0, len(left), 0, 15 * len(left), y, "Sans", 10, False),
        Run(
            right_column,
            right_column + len(right),
            800,
            800 + 20 * len(right),
            y,
            "Sans",
            10,
            False,
        ),
    )
    return line, Row(y, runs)


def test_a_row_whose_columns_touch_is_split_where_its_runs_cross_the_gutter():
    # given: a sidebar page whose main column starts at column 40 (x 800), and one row where
    # the sidebar's text, narrower than the average character, runs to column 50 in layout
    # text though it ends at x 750 on the page
    sidebar = ["Contact", "ana@example.com", "Lisbon, Portugal", "Skills", "Python", "Docker"]
    sidebar += ["Kubernetes", "Terraform", "Languages", "Portuguese (native), English (C2)"]
    main = ["Ana Lima", "Data Engineer", "Experience", "Acme GmbH", "Data Engineer", "Built ETL"]
    main += ["Globex", "Analyst", "Led audits", "Closed the books"]
    built = [
        two_runs(800.0 - 20 * number, left, right, 40)
        for number, (left, right) in enumerate(zip(sidebar, main, strict=True))
    ]
    glued_left = "Chartered Certified Accountants (ACCA), 2013, U.K."
    built.append(two_runs(500.0, glued_left, "Lumen Bank plc", 52))
    # when
    ordered, layout = reading_order(["\n".join(line for line, _ in built)], [[r for _, r in built]])
    # then
    assert layout != "one-column"
    columns = {line.text: line.column for line in ordered}
    assert columns[glued_left] == 0
    assert columns["Lumen Bank plc"] == 1
