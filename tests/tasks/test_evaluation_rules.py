"""The built-in rules engine: criteria, evidence, weights and the hard cases of ranking."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tasks.evaluation import (
    CertificationInput,
    EducationInput,
    EvaluationResult,
    ExperienceInput,
    JobInput,
    JobSkillInput,
    ProfileInput,
    SkillInput,
    evaluate,
    job_from_prompt,
)

TODAY = date(2026, 11, 1)
JOB = job_from_prompt(
    "Backend Engineer",
    "Python services on PostgreSQL, deployed to Kubernetes.",
    required_skills=["Python", "PostgreSQL", "Kubernetes"],
    preferred_skills=["Redis"],
    min_years=4,
    location="Berlin, Germany",
)


def work(ref: str, title: str, start: int, end: int | None, text: str = "") -> ExperienceInput:
    return ExperienceInput(
        ref=ref,
        title=title,
        company="Acme",
        start=date(start, 1, 1),
        end=date(end, 1, 1) if end else None,
        is_current=end is None,
        description=text,
    )


def criterion(result: EvaluationResult, key: str) -> float:
    return next(c.score for c in result.criteria if c.key == key)


def profile(*entries: ExperienceInput, skills: tuple[str, ...] = ()) -> ProfileInput:
    return ProfileInput(
        location="Berlin, Germany",
        experience=entries,
        skills=tuple(SkillInput(s) for s in skills),
    )


def test_skills_are_read_from_work_descriptions_and_evidence_points_at_the_entry():
    # given a skill only named in the description of a current job
    candidate = profile(work("e1", "Backend Engineer", 2020, None, "Python and PostgreSQL on k8s"))

    # when
    result = evaluate(candidate, JOB, TODAY)

    # then
    assert criterion(result, "required_skills") == 100.0
    required = next(c for c in result.criteria if c.key == "required_skills")
    assert {(e.source, e.ref) for e in required.evidence} == {("experience", "e1")}
    assert result.matches[:3] == ("Python", "PostgreSQL", "Kubernetes")
    assert result.gaps == ("Redis (preferred): not shown",)


def test_an_alias_counts_as_the_canonical_skill():
    # given the same experience written with aliases and with canonical names
    canonical = profile(work("e1", "Engineer", 2020, None, "Python, PostgreSQL, Kubernetes"))
    aliases = profile(work("e1", "Engineer", 2020, None, "python3, postgres, k8s"))

    # then
    assert evaluate(aliases, JOB, TODAY).score == evaluate(canonical, JOB, TODAY).score


def test_a_skill_listed_with_no_experience_behind_it_counts_little():
    # given every required skill listed but no work using them
    listed = profile(work("e1", "Barista", 2020, None, "Coffee"), skills=("Python", "k8s", "pg"))
    used = profile(work("e1", "Engineer", 2022, None, "Python, PostgreSQL and Kubernetes"))

    # when
    listed_result = evaluate(listed, JOB, TODAY)

    # then
    assert criterion(listed_result, "required_skills") == 30.0
    assert listed_result.score < evaluate(used, JOB, TODAY).score - 30
    assert "Python (required): listed, no work experience shown" in listed_result.gaps
    assert "Listed without work experience behind them: Python, PostgreSQL, Kubernetes." in (
        listed_result.rationale
    )
    assert "Required but not shown" not in listed_result.rationale


def test_a_skill_used_long_ago_counts_less_than_the_same_skill_used_recently():
    # given the same three years of work, recently and twelve years ago
    recent = profile(work("e1", "Backend Engineer", 2023, None, "Python, PostgreSQL, Kubernetes"))
    old = profile(work("e1", "Backend Engineer", 2011, 2014, "Python, PostgreSQL, Kubernetes"))

    # when
    recent_result, old_result = evaluate(recent, JOB, TODAY), evaluate(old, JOB, TODAY)

    # then
    assert criterion(old_result, "recency") < criterion(recent_result, "recency")
    assert criterion(old_result, "required_skills") < criterion(recent_result, "required_skills")
    assert old_result.score < recent_result.score


def test_overlapping_work_entries_are_counted_once():
    # given two parallel jobs 2020-2024 and one overlapping 2022-2025
    candidate = profile(
        work("e1", "Backend Engineer", 2020, 2024, "Python"),
        work("e2", "Backend Engineer", 2020, 2024, "PostgreSQL"),
        work("e3", "Freelance Developer", 2022, 2025, "Kubernetes"),
    )

    # when
    result = evaluate(candidate, JOB, TODAY)

    # then 2020-01 to 2025-01 is five years, not eleven
    experience = next(c for c in result.criteria if c.key == "experience")
    assert experience.note.startswith("5.0 years of relevant experience against 4 asked")


def test_a_strong_title_with_weak_skills_ranks_below_strong_skills():
    # given
    title_only = profile(work("e1", "Senior Backend Engineer", 2016, None, "Java and Oracle"))
    skills = profile(work("e1", "Software Developer", 2019, None, "Python, PostgreSQL, k8s, Redis"))

    # then
    assert evaluate(title_only, JOB, TODAY).score < evaluate(skills, JOB, TODAY).score


def test_a_career_changer_counts_only_the_relevant_years():
    # given ten years of teaching, then two years of backend work
    candidate = profile(
        work("e1", "Maths Teacher", 2012, 2022, "Lesson planning"),
        work("e2", "Junior Backend Developer", 2024, None, "Python, PostgreSQL, Kubernetes"),
    )

    # when
    result = evaluate(candidate, JOB, TODAY)

    # then
    assert criterion(result, "experience") == 70.8  # 2.8 of 4 years


def test_education_and_certifications_are_criteria_only_when_the_job_states_them():
    # given
    job = JobInput(
        title="Registered Nurse",
        skills=(JobSkillInput("Patient Care"),),
        education="Bachelor of Science in Nursing",
        certifications=("BLS",),
    )
    nurse = ProfileInput(
        experience=(work("e1", "Staff Nurse", 2019, None, "Patient care on a surgical ward"),),
        education=(EducationInput("d1", "Uni", "BSc", "Nursing"),),
        certifications=(CertificationInput("c1", "BLS Provider", "AHA"),),
    )

    # when
    with_requirements = evaluate(nurse, job, TODAY)
    without = evaluate(nurse, replace(job, education=None, certifications=()), TODAY)

    # then
    assert [c.key for c in with_requirements.criteria] == [
        "required_skills",
        "experience",
        "title",
        "recency",
        "education",
        "certifications",
    ]
    assert (
        criterion(with_requirements, "education"),
        criterion(with_requirements, "certifications"),
    ) == (100.0, 100.0)
    assert "education" not in [c.key for c in without.criteria]


def test_location_fit_prefers_the_city_then_the_country_and_remote_fits_anyone():
    # given
    entry = work("e1", "Backend Engineer", 2020, None, "Python, PostgreSQL, Kubernetes")
    here = replace(profile(entry), location="Berlin, Germany")
    country = replace(profile(entry), location="Munich, Germany")
    abroad = replace(profile(entry), location="Lagos, Nigeria")

    # then
    scores = [criterion(evaluate(p, JOB, TODAY), "location") for p in (here, country, abroad)]
    assert scores == [100.0, 60.0, 15.0]
    assert criterion(evaluate(abroad, replace(JOB, remote=True), TODAY), "location") == 100.0


def test_job_skill_weights_drive_the_coverage():
    # given a candidate with only the heavier of two required skills, then only the lighter
    job = JobInput("Engineer", skills=(JobSkillInput("Python", weight=3), JobSkillInput("Go")))
    heavy = profile(work("e1", "Engineer", 2020, None, "Python"))
    light = profile(work("e1", "Engineer", 2020, None, "Golang"))

    # then
    assert criterion(evaluate(heavy, job, TODAY), "required_skills") == 75.0
    assert criterion(evaluate(light, job, TODAY), "required_skills") == 25.0


def test_cv_lines_count_and_point_at_their_line():
    # given a skill only in the CV text
    candidate = replace(profile(), cv_lines=("Jane", "Skills: Redis, Docker"))

    # when
    result = evaluate(candidate, JOB, TODAY)

    # then
    preferred = next(c for c in result.criteria if c.key == "preferred_skills")
    assert [(e.source, e.ref) for e in preferred.evidence] == [("cv", "cv:1")]
    assert preferred.score == 50.0


def test_a_job_prompt_takes_skills_years_and_degree_from_its_description():
    # when
    job = job_from_prompt(
        "Data Analyst",
        "You know SQL and Tableau. 3+ years in analytics. A bachelor's degree in statistics.",
        required_skills=["SQL"],
    )

    # then
    assert [(s.name, s.required) for s in job.skills] == [
        ("SQL", True),
        ("Tableau", False),
        ("Data Analysis", False),
        ("Statistics", False),
    ]
    assert (job.min_years, job.education) == (3.0, "A bachelor's degree in statistics")


def test_results_are_deterministic_and_survive_storage():
    # given
    candidate = profile(work("e1", "Backend Engineer", 2018, None, "Python, PostgreSQL"))

    # when
    first, second = evaluate(candidate, JOB, TODAY), evaluate(candidate, JOB, TODAY)

    # then
    assert first == second
    assert EvaluationResult.from_json(first.to_json()) == first
    assert (first.engine, first.engine_version) == ("rules", "1.0")
    assert first.rationale.startswith(f"Scores {first.score:g}/100 for Backend Engineer.")


def test_blank_requirements_are_not_criteria():
    # given a job whose stored education and certification requirements are blank
    job = replace(JOB, education="  ", certifications=("", " "))
    candidate = replace(profile(), cv_lines=("Anything at all",))

    # when
    result = evaluate(candidate, job, TODAY)

    # then
    assert [c.key for c in result.criteria] == [
        "required_skills",
        "preferred_skills",
        "experience",
        "title",
        "recency",
        "location",
    ]
