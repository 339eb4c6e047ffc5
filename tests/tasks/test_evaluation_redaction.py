"""PII redaction before a profile leaves the process, and the counterfactual fairness rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx2
import pytest

from tasks.evaluation import (
    CertificationInput,
    CircuitBreaker,
    EducationInput,
    ExperienceInput,
    Identifiers,
    LLMConfig,
    ProfileInput,
    SkillInput,
    evaluate,
    evaluate_llm,
    job_from_prompt,
    redact_profile,
)
from tests.llm_server import LLMServer, Step

TODAY = date(2026, 11, 1)
JOB = job_from_prompt(
    "Staff Nurse", "Emergency department", ["Triage", "IV Therapy"], location="Leeds, UK"
)


def person(name: str, pronoun: str, possessive: str, born: date, nationality: str, gender: str):
    """The same career written about two different people."""
    first = name.split()[0]
    profile = ProfileInput(
        headline=f"{name} - Emergency nurse",
        summary=f"{first} is an emergency nurse; {pronoun} led {possessive} team through triage.",
        location="Leeds, United Kingdom",
        skills=(SkillInput("Triage", years=5),),
        experience=(
            ExperienceInput(
                ref="w1",
                title="Staff Nurse, Emergency Department",
                company="St James Hospital",
                start=date(2019, 1, 1),
                is_current=True,
                description=f"Triage and IV therapy. {first} was nurse of the year 2022.",
            ),
        ),
        education=(EducationInput("d1", "University of Leeds", "BSc", "Nursing"),),
        certifications=(CertificationInput("c1", "BLS", "Resuscitation Council"),),
        cv_lines=(
            name.upper(),
            f"{first.lower()}.{name.split()[1].lower()}@mail.example | +44 113 496 0{born.day:03d}",
            f"Date of birth: {born.strftime('%d/%m/%Y')} | Nationality: {nationality}",
            f"Gender: {gender}",
            f"linkedin.com/in/{first.lower()}",
            f"{'Mrs' if pronoun == 'she' else 'Mr'} {name.split()[1]} speaks at conferences.",
        ),
    )
    first_l, last_l = first.lower(), name.split()[1].lower()
    identifiers = Identifiers(
        names=(name,),
        emails=(f"{first_l}.{last_l}@mail.example",),
        phones=(f"+44 113 496 0{born.day:03d}",),
        dates=(born,),
    )
    return profile, identifiers


AMARA = person("Amara Okafor", "she", "her", date(1990, 4, 12), "Nigerian", "Female")
PIOTR = person("Piotr Nowak", "he", "his", date(1975, 11, 3), "Polish", "Male")


def test_every_free_text_field_and_cv_line_is_redacted():
    # given
    profile, identifiers = AMARA

    # when
    redacted = redact_profile(profile, identifiers)

    # then
    assert redacted.headline == "[NAME] - Emergency nurse"
    assert redacted.summary == "[NAME] is an emergency nurse; they led their team through triage."
    assert (
        redacted.experience[0].description
        == "Triage and IV therapy. [NAME] was nurse of the year 2022."
    )
    assert redacted.cv_lines == (
        "[NAME]",
        "[EMAIL] | [PHONE]",
        "[REDACTED]| [REDACTED]",
        "[REDACTED]",
        "[URL]",
        "Mx [NAME] speaks at conferences.",
    )
    # work facts and entry ids are kept
    assert redacted.experience[0].start == date(2019, 1, 1)
    assert (redacted.experience[0].ref, redacted.experience[0].company) == (
        "w1",
        "St James Hospital",
    )


def test_generic_patterns_catch_identifiers_the_caller_did_not_know():
    # given
    profile = ProfileInput(
        summary="Mail me: someone@else.example, call 0151 2345 6789, see github.com/someone",
        cv_lines=("Lives at 221B Baker Street, London", "Worked 2015-2019 and 2019 - 2023"),
    )

    # when
    redacted = redact_profile(profile, Identifiers())

    # then
    assert redacted.summary == "Mail me: [EMAIL], call [PHONE], see [URL]"
    assert redacted.cv_lines == ("Lives at [ADDRESS], London", "Worked 2015-2019 and 2019 - 2023")


def test_counterfactual_profiles_get_identical_rules_results():
    # given two people with the same career and different name, gender, birth date, nationality
    (amara, amara_ids), (piotr, piotr_ids) = AMARA, PIOTR

    # when
    first = evaluate(redact_profile(amara, amara_ids), JOB, TODAY)
    second = evaluate(redact_profile(piotr, piotr_ids), JOB, TODAY)

    # then
    assert first == second
    assert evaluate(amara, JOB, TODAY).score == evaluate(piotr, JOB, TODAY).score


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[LLMServer]:
    running = LLMServer()
    await running.start()
    yield running
    await running.stop()


async def test_counterfactual_profiles_send_a_byte_identical_llm_prompt(server):
    # given
    server.play(Step("ok"))
    config = LLMConfig(base_url=server.url, api_key=None, model="m")
    (amara, amara_ids), (piotr, piotr_ids) = AMARA, PIOTR

    # when
    async with httpx2.AsyncClient() as http:
        for profile, identifiers in ((amara, amara_ids), (piotr, piotr_ids)):
            await evaluate_llm(profile, JOB, identifiers, config, CircuitBreaker(), http)

    # then
    assert len(server.requests) == 2
    assert server.requests[0] == server.requests[1]
    assert b"Okafor" not in server.requests[0] and b"Nigerian" not in server.requests[0]


def test_name_parts_are_redacted_where_written_as_names_and_particles_are_kept():
    # given
    identifiers = Identifiers(names=("Will van der Berg",))
    profile = ProfileInput(
        summary="Will van der Berg will lead the Berg project; WILL BERG; van fleet"
    )

    # when
    redacted = redact_profile(profile, identifiers)

    # then
    assert redacted.summary == "[NAME] will lead the [NAME] project; [NAME]; van fleet"


def test_an_address_is_redacted_but_its_city_stays_for_the_location_fit():
    # given
    identifiers = Identifiers(addresses=("4 High St, London, SW1A 1AA",))
    profile = ProfileInput(
        location="London, United Kingdom",
        cv_lines=("4 High St, London, SW1A 1AA", "Post to SW1A 1AA or 4 High St"),
    )

    # when
    redacted = redact_profile(profile, identifiers)

    # then
    assert redacted.location == "London, United Kingdom"
    assert redacted.cv_lines == ("[ADDRESS]", "Post to [ADDRESS] or [ADDRESS]")
