"""The product's skill vocabulary: canonical names, aliases, and skills found in free text."""

from __future__ import annotations

from models.skill_aliases import BUILTIN, BUILTIN_ALIASES, canonical, concept, mentions
from resolvers import skills_vocabulary


def found(text: str) -> list[tuple[str, str]]:
    return [(m.canonical, text[m.start : m.end]) for m in mentions(text)]


def test_aliases_resolve_to_one_canonical_name_case_insensitively():
    # given
    spellings = ["k8s", "K8S", " Golang ", "postgres", "BLS", "Financial Modelling", "sfdc"]

    # when
    names = [canonical(s) for s in spellings]

    # then
    assert names == [
        "Kubernetes",
        "Kubernetes",
        "Go",
        "PostgreSQL",
        "Basic Life Support",
        "Financial Modeling",
        "Salesforce",
    ]
    assert canonical("underwater basket weaving") is None


def test_tools_count_as_evidence_of_a_skill_but_are_not_its_spellings():
    # given a nurse's charting system and an HR system

    # when
    spellings = (canonical("Epic"), canonical("Workday"))
    concepts = (concept("Epic"), concept("Workday"))

    # then
    assert spellings == (None, None)
    assert concepts == ("Electronic Health Records", "HRIS")


def test_ambiguous_short_names_are_not_renamed_on_write():
    # given "AR" (augmented reality or accounts receivable?) and "Spring" (framework or Boot?)

    # then
    assert (canonical("AR"), canonical("AP"), canonical("Spring")) == (None, None, None)
    assert concept("Spring") == "Spring Boot"


def test_the_resolvers_use_the_same_table():
    # then
    assert skills_vocabulary.BUILTIN is BUILTIN
    assert skills_vocabulary.BUILTIN_ALIASES is BUILTIN_ALIASES


def test_every_occupation_of_the_benchmark_has_vocabulary():
    # given one skill per field
    names = [
        "Python",
        "Medication Administration",
        "IFRS",
        "Lead Generation",
        "Lesson Planning",
        "Electrical Installation",
        "Figma",
        "Employee Relations",
        "Inventory Management",
        "Tableau",
    ]

    # then
    assert [canonical(n) for n in names] == names


def test_mentions_respect_word_boundaries():
    # given
    text = "Built reactive widgets; JavaScript and Javanese; PostgreSQL not SQLite"

    # then
    assert found(text) == [("JavaScript", "JavaScript"), ("PostgreSQL", "PostgreSQL")]


def test_aliases_and_multi_word_names_are_found_in_prose():
    # given
    text = "Ran k8s clusters, wrote Node.js services and kept the ci/cd  pipeline green; BLS"

    # then
    assert found(text) == [
        ("Kubernetes", "k8s"),
        ("Node.js", "Node.js"),
        ("Continuous Integration", "ci/cd"),
        ("Basic Life Support", "BLS"),
    ]


def test_short_ambiguous_names_are_only_found_in_a_list():
    # given
    prose = "We go to market fast; plan C worked; r and d spend; node of the network"
    listed = "Languages: Go, C, R, Python"

    # then
    assert found(prose) == []
    assert found(listed) == [("Go", "Go"), ("C", "C"), ("R", "R"), ("Python", "Python")]


def test_capitalized_acronyms_are_found_in_prose_and_lower_case_words_are_not():
    # given
    text = "Led UX work and AI features; epic effort on the ui"

    # then
    assert found(text) == [
        ("UX Design", "UX"),
        ("Artificial Intelligence", "AI"),
    ]


def test_longest_spelling_wins_at_one_position():
    # given
    text = "C++, C# and Ruby on Rails"

    # then
    assert found(text) == [("C++", "C++"), ("C#", "C#"), ("Ruby on Rails", "Ruby on Rails")]


def test_plurals_and_slash_separated_names_are_found():
    # given
    text = "Senior UX/UI Designer; maintained PLCs and ERPs; built financial models; Python/Django"

    # then
    assert [name for name, _ in found(text)] == [
        "UX Design",
        "UI Design",
        "PLC Programming",
        "ERP",
        "Financial Modeling",
        "Python",
        "Django",
    ]
    assert found("Gos and Rs") == []
