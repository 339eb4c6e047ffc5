"""Word lists the structurer relies on: section headings, job-title and organisation cues, places.

These are general knowledge about how CVs are written in English, not tuned to any data set.
The larger vocabularies are data files in `tasks/cv/data/` (each names its source and licence).
"""

from __future__ import annotations

import re
from pathlib import Path

_HEADING_TEXT = {
    "experience": (
        "experience|work experience|professional experience|work history|employment|"
        "employment history|career history|career|relevant experience|"
        "professional background|positions held|work|experience and employment|"
        "professional history|career summary and experience|industry experience"
    ),
    "education": (
        "education|academic background|education and training|academic history|"
        "academic qualifications|educational background|studies|qualifications|"
        "education and qualifications|academic record|training and education"
    ),
    "skills": (
        "skills|technical skills|core skills|key skills|competencies|core competencies|"
        "skills and tools|technologies|tech stack|expertise|areas of expertise|tools|"
        "skills and expertise|skill set|skillset|technical expertise|"
        "tools and technologies|it skills|professional skills|hard skills|"
        "technical proficiencies|toolbox"
    ),
    "certifications": (
        "certifications|certificates|licenses and certifications|"
        "licences and certifications|certifications and licenses|certification|"
        "professional certifications|courses and certifications|accreditations|"
        "certifications and training|licenses|credentials"
    ),
    "languages": ("languages|language skills|spoken languages|language"),
    "summary": (
        "summary|professional summary|profile|about me|about|objective|career objective|"
        "personal statement|overview|executive summary|profile summary|personal profile|"
        "professional profile|introduction|career summary"
    ),
    "contact": (
        "contact|contact details|contact information|personal details|"
        "personal information|details|contact me|personal data|info"
    ),
    "links": ("links|online|profiles|social|online profiles|web"),
    "other": (
        "projects|interests|hobbies|references|awards|publications|volunteering|"
        "volunteer experience|achievements|honors|honours|honors and awards|activities|"
        "hobbies and interests|side projects|selected projects|personal projects|"
        "memberships|conferences|talks|patents|additional information|other"
    ),
}
HEADINGS = {key: tuple(text.split("|")) for key, text in _HEADING_TEXT.items()}

HEADING_INDEX = {phrase: key for key, phrases in HEADINGS.items() for phrase in phrases}

DATA = Path(__file__).resolve().parent / "data"


def _words(name: str) -> list[str]:
    """The non-comment lines of data file `name` (see each file's header for its source)."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


TITLE_WORDS = frozenset(_words("titles.txt"))
COMPANY_WORDS = frozenset(_words("organizations.txt"))
_PLACES = [line.split("\t", 1) for line in _words("places.txt")]
CITY_NAMES = frozenset(name for kind, name in _PLACES if kind == "city")

INSTITUTION_WORDS = (
    "university",
    "universität",
    "universitat",
    "université",
    "universite",
    "universidad",
    "università",
    "universidade",
    "universiteit",
    "uniwersytet",
    "univerzita",
    "college",
    "school",
    "institute",
    "institut",
    "instituto",
    "academy",
    "akademie",
    "polytechnic",
    "politecnico",
    "polytechnique",
    "hochschule",
    "école",
    "ecole",
    "escuela",
    "conservatory",
    "seminary",
    "gymnasium",
    "lyceum",
    "lycée",
    "eth",
    "epfl",
    "kth",
    "mit",
)

DEGREE_RE = re.compile(
    r"\b(?:bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|ph\.?\s?d\.?|mba|m\.?\s?sc\.?|b\.?\s?sc\.?"
    r"|m\.?\s?eng\.?|b\.?\s?eng\.?|b\.?\s?a\.?|m\.?\s?a\.?|b\.?\s?s\.?|m\.?\s?s\.?|m\.?\s?phil\.?"
    r"|d\.?\s?phil\.?|ll\.?\s?[bm]\.?|j\.?\s?d\.?|m\.?\s?d\.?|b\.?\s?com\.?|m\.?\s?res\.?"
    r"|diploma|diplom|dipl\.|associate|high school|abitur|a-levels|licen[cs]iatura|licen[cs]e"
    r"|magister|baccalaur[ée]at|postgraduate|graduate certificate|hnd|btec|a\.?a\.?s\.?)(?![\w])",
    re.IGNORECASE,
)

COUNTRY_NAMES = frozenset(
    (
        "afghanistan|albania|algeria|argentina|armenia|australia|austria|azerbaijan|"
        "bangladesh|belarus|belgium|bolivia|bosnia and herzegovina|brazil|bulgaria|cambodia|"
        "cameroon|canada|chile|china|colombia|croatia|cuba|cyprus|czechia|czech republic|"
        "denmark|ecuador|egypt|estonia|ethiopia|finland|france|georgia|germany|ghana|greece|"
        "guatemala|hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|japan|"
        "jordan|kazakhstan|kenya|korea|south korea|kosovo|latvia|lebanon|lithuania|luxembourg|"
        "malaysia|malta|mexico|moldova|monaco|montenegro|morocco|nepal|netherlands|"
        "the netherlands|new zealand|nigeria|north macedonia|norway|pakistan|panama|peru|"
        "philippines|poland|portugal|qatar|romania|russia|saudi arabia|serbia|singapore|"
        "slovakia|slovenia|south africa|spain|sri lanka|sweden|switzerland|taiwan|tanzania|"
        "thailand|tunisia|turkey|türkiye|uganda|ukraine|united arab emirates|uae|"
        "united kingdom|uk|england|scotland|wales|united states|usa|us|uruguay|uzbekistan|"
        "venezuela|vietnam|deutschland|österreich|schweiz|españa|italia|polska|sverige|norge|"
        "danmark|suomi|brasil|méxico"
    ).split("|")
) | frozenset(name for kind, name in _PLACES if kind == "country")
US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
    NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC""".split()
)
# Country names -> ISO region, so phone numbers written without "+" can be read.
PHONE_REGIONS = {
    "germany": "DE",
    "deutschland": "DE",
    "austria": "AT",
    "switzerland": "CH",
    "france": "FR",
    "spain": "ES",
    "italy": "IT",
    "portugal": "PT",
    "netherlands": "NL",
    "belgium": "BE",
    "poland": "PL",
    "czechia": "CZ",
    "czech republic": "CZ",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "ireland": "IE",
    "united kingdom": "GB",
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "united states": "US",
    "usa": "US",
    "canada": "CA",
    "australia": "AU",
    "india": "IN",
    "brazil": "BR",
    "mexico": "MX",
    "japan": "JP",
    "greece": "GR",
    "turkey": "TR",
    "türkiye": "TR",
    "hungary": "HU",
    "romania": "RO",
    "ukraine": "UA",
    "iceland": "IS",
    "singapore": "SG",
    "south africa": "ZA",
    "new zealand": "NZ",
    "argentina": "AR",
    "chile": "CL",
    "colombia": "CO",
    "israel": "IL",
}
