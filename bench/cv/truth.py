"""Ground truth for the CV benchmark: seeded random people, jobs, degrees and certificates.

The structured data is drawn first and the documents are written from it (see `render.py`), so
the truth never depends on what the parser reads. Run `python bench/cv/generate.py` to rewrite
`truth.json` and the corpus.
"""

from __future__ import annotations

import random
from typing import Any

FIRST = (
    "Jane|Ana|Zoë|José|Łukasz|Søren|Ingrid|Mei|Ravi|Aisha|Tomás|Chloé|Björn|Élodie|Mateus|Kateřina"
    "|Oğuz|Nora|Liam|Fatima|Dmitri|Agnieszka|Jürgen|Siobhán|Hiroshi|Camila|Noah|Priya|Émile|Olga"
).split("|")
LAST = (
    "Doe|Müller|Åkesson|Núñez|Żółkiewski|Ødegaard|Lindqvist|Chen|Patel|Okafor|García|Lefèvre"
    "|Björnsson|Dubois|Gonçalves|Dvořák|Yılmaz|Kowalski|O'Brien|Haddad|Ivanov|Nowak|Schäfer"
    "|Ní Bhriain|Tanaka|Rodríguez|Smith|Iyer|Moreau|Petrova|van der Berg|De Luca"
).split("|")
PLACES = (
    "Berlin, Germany|Munich, Germany|Vienna, Austria|Zürich, Switzerland|Lisbon, Portugal"
    "|Madrid, Spain|Paris, France|Lyon, France|Amsterdam, Netherlands|Warsaw, Poland"
    "|Prague, Czechia|Stockholm, Sweden|Oslo, Norway|Dublin, Ireland|London, United Kingdom"
    "|Austin, TX|Seattle, WA|Boston, MA|Toronto, Canada|São Paulo, Brazil|Bengaluru, India"
    "|Sydney, Australia|Kraków, Poland|Göteborg, Sweden"
).split("|")
PHONES = {
    "Germany": ["+49 30 {a}{b}", "030 {a} {b}", "+49 (0)89 {a}-{b}"],
    "Austria": ["+43 1 {a}{b}"],
    "Switzerland": ["+41 44 {a} {b}"],
    "Portugal": ["+351 21 {a} {b}"],
    "Spain": ["+34 91 {a} {b}"],
    "France": ["+33 1 {a} {b}", "01 {a} {b}"],
    "Netherlands": ["+31 20 {a} {b}"],
    "Poland": ["+48 22 {a} {b}"],
    "Czechia": ["+420 2 {a} {b}"],
    "Sweden": ["+46 8 {a} {b}"],
    "Norway": ["+47 2{a} {b}"],
    "Ireland": ["+353 1 {a} {b}"],
    "United Kingdom": ["+44 20 {a} {b}", "020 {a} {b}"],
    "US": ["(512) 555-0{a3}", "+1 206 555 0{a3}", "617-555-0{a3}"],
    "Canada": ["+1 416 555 0{a3}"],
    "Brazil": ["+55 11 9{a}-{b}"],
    "India": ["+91 80 {a} {b}"],
    "Australia": ["+61 2 {a} {b}"],
}
COMPANIES = (
    "Acme Analytics GmbH|Globex Corporation|Initech Ltd|Umbrella Corp|Northwind Traders"
    "|Blue Harbor Logistics|Fabrikam|Contoso Ltd|Wayne Enterprises|Stark Industries"
    "|Hooli|Pied Piper Inc|Vandelay Industries|Soylent Foods AG|Cyberdyne Systems"
    "|Tyrell Corporation|Massive Dynamic|Aperture Labs|Black Mesa Research|Oceanic Airlines"
    "|Nordlicht Energie AG|Banco Atlântico SA|Société Générale des Données|Zalando SE"
    "|Ubik Software BV|Helix Health|Kestrel Media Group|Lumen Bank plc|Quantum Retail Oy"
    "|Orbital Dynamics LLC|Greenfield Consulting|Atlas Mobility"
).split("|")
TITLES = (
    "Software Engineer|Senior Software Engineer|Backend Developer|Frontend Developer"
    "|Data Scientist|Data Analyst|Product Manager|Engineering Manager|DevOps Engineer"
    "|Site Reliability Engineer|UX Designer|Marketing Manager|Sales Representative"
    "|Financial Analyst|Project Manager|QA Engineer|Machine Learning Engineer"
    "|Head of Engineering|Technical Lead|Solutions Architect|Customer Success Manager"
    "|Research Scientist|Business Analyst|Staff Engineer|Junior Developer|HR Business Partner"
    "|Scrum Master|Product Owner|Account Executive|Operations Coordinator"
).split("|")
SCHOOLS = (
    "Technical University of Munich|University of Vienna|ETH Zürich|Universidad de Madrid"
    "|University College Dublin|Sorbonne University|Jagiellonian University|KTH Royal Institute"
    " of Technology|Charles University|University of Amsterdam|Imperial College London"
    "|University of Texas at Austin|Massachusetts Institute of Technology|University of Toronto"
    "|Universidade de São Paulo|Indian Institute of Science|University of Sydney"
    "|Hochschule München|École Polytechnique|Trinity College Dublin|Politecnico di Milano"
    "|Stockholm School of Economics"
).split("|")
DEGREES = (
    ("Bachelor of Science", "B.Sc."),
    ("Master of Science", "M.Sc."),
    ("Bachelor of Arts", "BA"),
    ("Master of Arts", "MA"),
    ("Bachelor of Engineering", "B.Eng."),
    ("Master of Business Administration", "MBA"),
    ("PhD", "PhD"),
)
FIELDS = (
    "Computer Science|Economics|Mathematics|Physics|Business Administration|Psychology"
    "|Electrical Engineering|Statistics|Information Systems|Mechanical Engineering|Design"
).split("|")
SKILLS = (
    "Python|Java|Go|TypeScript|React|PostgreSQL|Kubernetes|Docker|Terraform|AWS|GCP|Azure"
    "|GraphQL|Kafka|Spark|SQL|Excel|Tableau|Figma|Salesforce|Scrum|Jira|Git|Linux|Rust|C++"
    "|Machine Learning|Data Visualization|Stakeholder Management|Public Speaking|Node.js"
    "|Pandas|TensorFlow|Redis|CI/CD|Power BI"
).split("|")
CERTS = (
    ("AWS Certified Solutions Architect – Associate", "Amazon Web Services"),
    ("Certified Kubernetes Administrator", "Cloud Native Computing Foundation"),
    ("Professional Scrum Master I", "Scrum.org"),
    ("Project Management Professional", "Project Management Institute"),
    ("Google Professional Data Engineer", "Google Cloud"),
    ("Microsoft Certified: Azure Fundamentals", "Microsoft"),
    ("Certified Information Systems Security Professional", "ISC2"),
    ("Tableau Desktop Specialist", "Tableau"),
    ("HashiCorp Certified Terraform Associate", "HashiCorp"),
    ("ITIL 4 Foundation", "Axelos"),
)
LANGUAGES = "English|German|French|Spanish|Portuguese|Polish|Swedish|Italian|Hindi".split("|")


def _phone(rng: random.Random, place: str) -> str:
    country = place.split(", ")[1]
    key = "US" if len(country) == 2 else country
    pattern = rng.choice(PHONES[key])
    return pattern.format(
        a=rng.randint(1000, 9999), b=rng.randint(1000, 9999), a3=rng.randint(100, 199)
    )


def _email(rng: random.Random, first: str, last: str) -> str:
    ascii_first = first.encode("ascii", "ignore").decode().lower() or "cv"
    ascii_last = last.replace(" ", "").replace("'", "").encode("ascii", "ignore").decode().lower()
    domain = rng.choice(["example.com", "mail.example.org", "inbox.example.net"])
    return f"{ascii_first}.{ascii_last or 'x'}@{domain}"


def person(rng: random.Random, index: int) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    place = rng.choice(PLACES)
    year = 2024 - rng.randint(0, 2)
    month = rng.randint(1, 12)
    jobs = []
    for number in range(rng.randint(2, 4)):
        length = rng.randint(10, 50)
        start_index = year * 12 + month - 1 - length
        current = number == 0 and rng.random() < 0.6
        end_y, end_m = divmod(year * 12 + month - 1, 12)
        start_y, start_m = divmod(start_index, 12)
        jobs.append(
            {
                "title": rng.choice(TITLES),
                "company": rng.choice(
                    [c for c in COMPANIES if c not in {j["company"] for j in jobs}]
                ),
                "start": (start_y, start_m + 1),
                "end": None if current else (end_y, end_m + 1),
                "current": current,
                "location": rng.choice([None, None, rng.choice(PLACES)]),
                "bullets": rng.sample(BULLETS, rng.randint(1, 3)),
            }
        )
        year, month = divmod(start_index - rng.randint(0, 6), 12)
        month += 1
    schools = []
    end_year = jobs[-1]["start"][0] - rng.randint(0, 1)
    for _ in range(rng.randint(1, 2)):
        degree = rng.choice(DEGREES)
        length = 2 if degree[1] in {"M.Sc.", "MA", "MBA"} else rng.choice([3, 4])
        schools.append(
            {
                "institution": rng.choice(
                    [s for s in SCHOOLS if s not in {e["institution"] for e in schools}]
                ),
                "degree": degree,
                "field": None if degree[1] == "MBA" else rng.choice(FIELDS),
                "start_year": end_year - length,
                "end_year": end_year,
            }
        )
        end_year -= length
    certs = [
        {"title": title, "issuer": issuer, "year": rng.randint(2015, 2024)}
        for title, issuer in rng.sample(CERTS, rng.choice([0, 1, 1, 2, 3]))
    ]
    return {
        "id": f"cv{index:03d}",
        "name": f"{first} {last}",
        "email": _email(rng, first, last),
        "phone": _phone(rng, place),
        "location": place,
        "headline": jobs[0]["title"],
        "summary": rng.choice(SUMMARIES),
        "skills": rng.sample(SKILLS, rng.randint(4, 9)),
        "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
        "experience": jobs,
        "education": schools,
        "certifications": certs,
    }


BULLETS = [
    "Designed and shipped a self-service reporting tool used by 300 colleagues.",
    "Reduced infrastructure costs by 35% through right-sizing and reserved capacity.",
    "Mentored four junior colleagues and ran the weekly design review.",
    "Migrated legacy services to containers with zero downtime.",
    "Owned the quarterly roadmap together with sales and support.",
    "Introduced automated testing, cutting release defects in half.",
    "Negotiated contracts with three strategic suppliers.",
    "Built dashboards that the leadership team uses for weekly decisions.",
    "Led a cross-functional team of eight through a platform relaunch.",
]
SUMMARIES = [
    "Pragmatic professional who enjoys turning messy problems into simple, reliable products.",
    "Experienced team player with a track record of delivering measurable results on time.",
    "Curious and data-driven; happiest where engineering, product and customers meet.",
    "Detail-oriented specialist with a passion for clean processes and clear communication.",
]
