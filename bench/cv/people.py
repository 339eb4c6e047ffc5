"""Ground truth for the CV benchmark: seeded people from 25 name origins, 36 cities on six
continents, and 12 occupations, each with its own titles, employers, schools, skills and
certificates.

The structured data is drawn first and the documents are written from it (`families.py`), so the
truth never depends on what the parser reads. All names and employers are invented or generic.
"""

from __future__ import annotations

import random
from typing import Any

NAMES = {  # origin: (given names, family names)
    "english": ("Oliver|Emily|Harry|Charlotte", "Smith|Whitfield|O'Connor|Hughes"),
    "german": ("Jürgen|Anja|Lukas|Friederike", "Müller|Schäfer|Weißmann|Krause"),
    "french": ("Élodie|Théo|Chloé|Benoît", "Lefèvre|Dubois|Moreau|Girard"),
    "spanish": ("José|Lucía|Álvaro|Marta", "García|Núñez|Rodríguez|Ortega"),
    "portuguese": ("João|Inês|Gonçalo|Beatriz", "Gonçalves|Araújo|Ferreira|Santos"),
    "italian": ("Giulia|Matteo|Chiara|Lorenzo", "De Luca|Ricci|Esposito|Bianchi"),
    "polish": ("Łukasz|Agnieszka|Wojciech|Zofia", "Kowalski|Żółkiewska|Nowak|Wiśniewski"),
    "czech": ("Kateřina|Jiří|Tereza|Ondřej", "Dvořák|Novotná|Svoboda|Černý"),
    "nordic": ("Søren|Ingrid|Björn|Astrid", "Ødegaard|Lindqvist|Åkesson|Halvorsen"),
    "dutch": ("Sanne|Daan|Femke|Joost", "van der Berg|de Vries|Jansen|Bakker"),
    "irish": ("Siobhán|Cian|Aoife|Pádraig", "Ní Bhriain|Ó Súilleabháin|Murphy|Byrne"),
    "turkish": ("Oğuz|Elif|Emre|Zeynep", "Yılmaz|Öztürk|Demir|Çelik"),
    "greek": ("Eleni|Nikos|Dimitra|Giorgos", "Papadopoulos|Georgiou|Nikolaidis|Karras"),
    "russian": ("Dmitri|Olga|Anastasia|Sergei", "Ivanov|Petrova|Smirnov|Volkova"),
    "arabic": ("Fatima|Omar|Layla|Youssef", "Haddad|Al-Masri|Nasser|El-Amin"),
    "persian": ("Dariush|Shirin|Arash|Navid", "Hosseini|Karimi|Rahimi|Tehrani"),
    "indian": ("Priya|Ravi|Ananya|Arjun", "Patel|Iyer|Krishnamurthy|Reddy"),
    "chinese": ("Mei|Wei|Xiaoling|Jun", "Chen|Wang|Zhang|Liu"),
    "japanese": ("Hiroshi|Yuki|Haruto|Aiko", "Tanaka|Suzuki|Watanabe|Kobayashi"),
    "korean": ("Min-jun|Seo-yeon|Ji-ho|Ha-eun", "Kim|Park|Choi|Jung"),
    "vietnamese": ("Thảo|Minh|Linh|Quang", "Nguyễn|Trần|Phạm|Lê"),
    "yoruba": ("Adebayo|Folake|Olumide|Yetunde", "Okafor|Adeyemi|Balogun|Ogunleye"),
    "swahili": ("Amani|Baraka|Neema|Zawadi", "Mwangi|Otieno|Wanjiru|Kamau"),
    "latin-american": ("Camila|Mateus|Valentina|Santiago", "Pereira|Hernández|Castillo|Rojas"),
    "hebrew": ("Noa|Eitan|Tamar|Yonatan", "Cohen|Levi|Mizrahi|Peretz"),
}
CITIES = {  # city: (country as printed, phone format; {a}{b} are digit groups)
    "Berlin": ("Germany", "+49 30 {a4} {b4}"),
    "Munich": ("Germany", "089 {a4} {b3}"),
    "Vienna": ("Austria", "+43 1 {a4}{b3}"),
    "Zürich": ("Switzerland", "+41 44 {a3} {b2} {c2}"),
    "Lisbon": ("Portugal", "+351 21 {a3} {b4}"),
    "Madrid": ("Spain", "+34 91 {a3} {b2} {c2}"),
    "Lyon": ("France", "04 {a2} {b2} {c2} {d2}"),
    "Amsterdam": ("Netherlands", "+31 20 {a3} {b4}"),
    "Kraków": ("Poland", "+48 12 {a3} {b2} {c2}"),
    "Prague": ("Czechia", "+420 2{a2} {b3} {c3}"),
    "Göteborg": ("Sweden", "+46 31 {a3} {b2} {c2}"),
    "Dublin": ("Ireland", "+353 1 {a3} {b4}"),
    "Manchester": ("United Kingdom", "0161 {a3} {b4}"),
    "Istanbul": ("Türkiye", "+90 212 {a3} {b2} {c2}"),
    "Athens": ("Greece", "+30 21 {a4} {b4}"),
    "Austin": ("TX", "(512) 555-0{a3}"),
    "Chicago": ("IL", "+1 312 555 0{a3}"),
    "Toronto": ("Canada", "+1 416 555 0{a3}"),
    "Vancouver": ("Canada", "604-555-0{a3}"),
    "Mexico City": ("Mexico", "+52 55 {a4} {b4}"),
    "São Paulo": ("Brazil", "+55 11 9{a4}-{b4}"),
    "Buenos Aires": ("Argentina", "+54 11 {a4}-{b4}"),
    "Bogotá": ("Colombia", "+57 601 {a3} {b4}"),
    "Santiago": ("Chile", "+56 2 {a4} {b4}"),
    "Lagos": ("Nigeria", "+234 802 {a3} {b4}"),
    "Nairobi": ("Kenya", "+254 712 {a3} {b3}"),
    "Cape Town": ("South Africa", "+27 21 {a3} {b4}"),
    "Cairo": ("Egypt", "+20 2 {a4} {b4}"),
    "Casablanca": ("Morocco", "+212 522 {a3} {b3}"),
    "Dubai": ("United Arab Emirates", "+971 4 {a3} {b4}"),
    "Bengaluru": ("India", "+91 80 {a4} {b4}"),
    "Singapore": ("Singapore", "+65 6{a3} {b4}"),
    "Tokyo": ("Japan", "+81 3 {a4} {b4}"),
    "Seoul": ("South Korea", "+82 2 {a4} {b4}"),
    "Sydney": ("Australia", "+61 2 {a4} {b4}"),
    "Auckland": ("New Zealand", "+64 9 {a3} {b4}"),
}
# occupation: titles (with seniority), employers, skills, certificates (title, issuer),
# degrees (long, short) and fields of study
OCCUPATIONS: dict[str, dict[str, Any]] = {
    "software": {
        "titles": "Software Engineer|Senior Backend Developer|Staff Engineer|Engineering Manager"
        "|Junior Frontend Developer|Lead Software Architect",
        "employers": "Hooli Inc.|Initech Ltd|Pied Piper|Cyberdyne Systems GmbH|Nimbus Labs"
        "|Orbital Software BV",
        "skills": "Python|TypeScript|Go|Kubernetes|PostgreSQL|GraphQL|Docker|AWS|React|Kafka",
        "certs": [
            ("AWS Certified Developer – Associate", "Amazon Web Services"),
            ("Certified Kubernetes Administrator", "Cloud Native Computing Foundation"),
            ("Oracle Certified Professional, Java SE 17 Developer", "Oracle"),
        ],
        "fields": "Computer Science|Software Engineering|Informatics",
    },
    "nursing": {
        "titles": "Registered Nurse|Senior Staff Nurse|Charge Nurse|Clinical Nurse Specialist"
        "|Nurse Practitioner|Head Nurse",
        "employers": "St. Mary's Hospital|Riverside Medical Centre|Northgate Clinic"
        "|Mercy Health System|Royal Infirmary|Sunrise Care Home",
        "skills": "Patient Assessment|Wound Care|IV Therapy|Triage|Medication Administration"
        "|Electronic Health Records|Infection Control|Palliative Care",
        "certs": [
            ("Basic Life Support", "American Heart Association"),
            ("Advanced Cardiovascular Life Support", "American Heart Association"),
            ("Registered Nurse Licence", "Nursing and Midwifery Council"),
        ],
        "fields": "Nursing|Midwifery|Health Sciences",
    },
    "finance": {
        "titles": "Financial Analyst|Senior Accountant|Finance Manager|Junior Auditor"
        "|Chief Financial Officer|Treasury Associate",
        "employers": "Lumen Bank plc|Banco Atlântico SA|Harbour Capital Partners"
        "|Kestrel Asset Management|Meridian Trust Company|Fairway Insurance AG",
        "skills": "Financial Modelling|IFRS|Budgeting|SAP|Excel|Forecasting|Risk Analysis|VBA",
        "certs": [
            ("Chartered Financial Analyst", "CFA Institute"),
            ("ACCA Qualification", "Association of Chartered Certified Accountants"),
            ("Certified Public Accountant", "AICPA"),
        ],
        "fields": "Finance|Accounting|Economics",
    },
    "sales": {
        "titles": "Account Executive|Senior Sales Representative|Regional Sales Manager"
        "|Business Development Manager|Inside Sales Associate|Key Account Manager",
        "employers": "Northwind Traders|Globex Corporation|Vandelay Industries"
        "|Atlas Office Supplies Ltd|Quantum Retail Oy|Bluefin Distribution LLC",
        "skills": "Salesforce|Negotiation|Lead Generation|Pipeline Management|HubSpot"
        "|Cold Calling|Account Planning|CRM",
        "certs": [
            ("Certified Sales Professional", "National Association of Sales Professionals"),
            ("HubSpot Inbound Sales", "HubSpot Academy"),
            ("Salesforce Certified Administrator", "Salesforce"),
        ],
        "fields": "Business Administration|Marketing|Communication",
    },
    "teaching": {
        "titles": "Mathematics Teacher|Head of Science|Primary School Teacher|Teaching Assistant"
        "|Assistant Principal|Lecturer",
        "employers": "Northside Primary School|Greenwood Academy|Lakeview High School"
        "|Bayside Community College|St. Anne's Grammar School|Hillcrest International School",
        "skills": "Curriculum Design|Classroom Management|Differentiated Instruction"
        "|Google Classroom|Assessment|Special Educational Needs|Lesson Planning",
        "certs": [
            ("Qualified Teacher Status", "Department for Education"),
            ("TEFL Certificate", "Trinity College London"),
            ("Google Certified Educator Level 1", "Google for Education"),
        ],
        "fields": "Education|Mathematics|Biology|English Literature",
    },
    "trades": {
        "titles": "Electrician|Master Electrician|Maintenance Technician|Site Foreman"
        "|Apprentice Plumber|HVAC Technician",
        "employers": "Brightspark Electrical Ltd|Kowalski & Sons Building Services"
        "|Urban Power Installations|Coastline Construction Co.|Metro Facilities Group"
        "|Ironbridge Maintenance",
        "skills": "Electrical Installation|PLC Programming|Blueprint Reading|AutoCAD"
        "|Fault Finding|Health and Safety|Solar PV|Welding",
        "certs": [
            ("18th Edition Wiring Regulations", "City & Guilds"),
            ("OSHA 30-Hour Construction", "OSHA"),
            ("Certified Solar PV Installer", "NABCEP"),
        ],
        "fields": "Electrical Engineering|Building Services|Construction Management",
    },
    "design": {
        "titles": "Graphic Designer|Senior UX Designer|Art Director|Junior Product Designer"
        "|Creative Lead|Visual Designer",
        "employers": "Studio Nord|Kestrel Media Group|Pixel & Pine Agency|Bright Ideas Studio"
        "|Mosaic Creative Ltd|Helvetica Works",
        "skills": "Figma|Adobe Illustrator|Photoshop|Typography|User Research|Prototyping"
        "|Brand Identity|InDesign",
        "certs": [
            ("Google UX Design Certificate", "Google"),
            ("Adobe Certified Professional", "Adobe"),
            ("Certified Usability Analyst", "Human Factors International"),
        ],
        "fields": "Graphic Design|Interaction Design|Visual Communication",
    },
    "hr": {
        "titles": "HR Business Partner|Talent Acquisition Specialist|HR Manager|Recruiter"
        "|People Operations Coordinator|Head of People",
        "employers": "Contoso Ltd|Helix Health|Wayne Enterprises|Fabrikam Group"
        "|Tandem People Solutions|Evergreen Staffing Inc.",
        "skills": "Talent Acquisition|Employee Relations|Workday|Onboarding"
        "|Compensation and Benefits|Labour Law|Performance Management|Greenhouse",
        "certs": [
            ("SHRM Certified Professional", "SHRM"),
            ("CIPD Level 5 Associate Diploma", "CIPD"),
            ("Professional in Human Resources", "HRCI"),
        ],
        "fields": "Human Resource Management|Psychology|Business Administration",
    },
    "operations": {
        "titles": "Operations Manager|Logistics Coordinator|Supply Chain Analyst"
        "|Warehouse Supervisor|Director of Operations|Procurement Specialist",
        "employers": "Blue Harbor Logistics|Oceanic Freight SA|Atlas Mobility"
        "|Stark Industries|Greenline Distribution|Soylent Foods AG",
        "skills": "Lean Six Sigma|Inventory Management|SAP|Vendor Management|Forecasting"
        "|Process Improvement|Excel|Logistics Planning",
        "certs": [
            ("Lean Six Sigma Green Belt", "ASQ"),
            ("Certified Supply Chain Professional", "APICS"),
            ("Project Management Professional", "Project Management Institute"),
        ],
        "fields": "Supply Chain Management|Industrial Engineering|Logistics",
    },
    "marketing": {
        "titles": "Marketing Manager|Content Strategist|Digital Marketing Specialist"
        "|Brand Manager|Social Media Coordinator|Head of Marketing",
        "employers": "Umbrella Corp|Massive Dynamic|Tyrell Corporation|Sunbeam Beverages"
        "|Lighthouse Media|Orchard & Vine Ltd",
        "skills": "SEO|Google Analytics|Content Marketing|Copywriting|Google Ads"
        "|Marketing Automation|Campaign Management|Mailchimp",
        "certs": [
            ("Google Analytics Certification", "Google"),
            ("Content Marketing Certification", "HubSpot Academy"),
            ("Professional Certificate in Digital Marketing", "Digital Marketing Institute"),
        ],
        "fields": "Marketing|Communication|Business Administration",
    },
    "hospitality": {
        "titles": "Head Chef|Sous Chef|Restaurant Manager|Front Office Supervisor"
        "|Commis Chef|Hotel Operations Manager",
        "employers": "The Grand Harbour Hotel|Trattoria Bella|Hotel Alpenblick"
        "|Savoy Dining Group|Copper Kettle Bistro|Marriott Hotels",
        "skills": "Menu Development|Food Safety|Cost Control|Team Leadership"
        "|Inventory Management|Pastry|Guest Relations|Opera PMS",
        "certs": [
            ("Food Hygiene Level 3", "Highfield Qualifications"),
            ("ServSafe Manager", "National Restaurant Association"),
            ("WSET Level 2 Award in Wines", "Wine & Spirit Education Trust"),
        ],
        "fields": "Culinary Arts|Hospitality Management|Tourism",
    },
    "legal": {
        "titles": "Associate Attorney|Paralegal|Senior Legal Counsel|Compliance Officer"
        "|Legal Assistant|General Counsel",
        "employers": "Baker & Whitmore LLP|Meridian Legal Partners|Hartley Chambers"
        "|Nordlicht Energie AG|Castell Rechtsanwälte|Societe Generale des Donnees",
        "skills": "Contract Drafting|Legal Research|Litigation|GDPR|Due Diligence"
        "|Corporate Law|Westlaw|Negotiation",
        "certs": [
            ("Certified Information Privacy Professional", "IAPP"),
            ("Certified Compliance and Ethics Professional", "SCCE"),
            ("Certified Paralegal", "NALA"),
        ],
        "fields": "Law|International Law|Political Science",
    },
}
SCHOOLS = (
    "University of Toronto|Technical University of Munich|Universidad de Buenos Aires"
    "|University of Cape Town|National University of Singapore|University of Nairobi"
    "|Jagiellonian University|Charles University|University College Dublin|Seoul National"
    " University|University of Sydney|Universidade de São Paulo|Trinity College Dublin"
    "|Politecnico di Milano|Cairo University|University of Lagos|Indian Institute of Science"
    "|Kyoto University|Sorbonne University|University of Auckland|Boston College"
    "|Stockholm School of Economics|Lakeside Community College|Institute of Technology Tallaght"
).split("|")
DEGREES = (  # (written out, abbreviation)
    ("Bachelor of Science", "BSc"),
    ("Master of Science", "MSc"),
    ("Bachelor of Arts", "BA"),
    ("Master of Arts", "MA"),
    ("Bachelor of Engineering", "BEng"),
    ("Master of Business Administration", "MBA"),
    ("Doctor of Philosophy", "PhD"),
    ("Associate of Applied Science", "AAS"),
    ("Bachelor of Laws", "LLB"),
)
BULLETS = (
    "Cut turnaround times by a quarter through a new weekly planning routine.",
    "Trained and mentored six new colleagues during their first year.",
    "Managed a budget of 1.2 million and reported monthly to the leadership team.",
    "Introduced a checklist that halved avoidable errors within six months.",
    "Worked with suppliers, customers and colleagues from four countries.",
    "Recognised as employee of the year for reliability and team spirit.",
)
SUMMARIES = (
    "Reliable professional with a record of calm, careful work under pressure.",
    "Team player who likes clear processes, measurable goals and honest feedback.",
    "Curious and hands-on; happiest where people, process and quality meet.",
)
LANGUAGES = "English|Spanish|French|German|Arabic|Mandarin|Hindi|Portuguese|Swahili".split("|")


def _phone(rng: random.Random, pattern: str) -> str:
    digits = {
        f"{k}{n}": "".join(str(rng.randint(1, 9)) for _ in range(n))
        for k in "abcd"
        for n in (2, 3, 4)
    }
    return pattern.format(**digits)


def person(rng: random.Random, index: int, occupation: str) -> dict[str, Any]:
    """One invented person of `occupation`, with 2-4 jobs, 1-2 degrees and 0-3 certificates."""
    origin = rng.choice(sorted(NAMES))
    given, family = (part.split("|") for part in NAMES[origin])
    first, last = rng.choice(given), rng.choice(family)
    city = rng.choice(sorted(CITIES))
    country, phone_format = CITIES[city]
    job = OCCUPATIONS[occupation]
    titles, employers = job["titles"].split("|"), job["employers"].split("|")
    year, month = 2025 - rng.randint(0, 1), rng.randint(1, 12)
    jobs: list[dict[str, Any]] = []
    for number in range(rng.randint(2, 4)):
        start = year * 12 + month - 1 - rng.randint(10, 50)
        current = number == 0 and rng.random() < 0.6
        where = rng.choice(sorted(CITIES))
        jobs.append(
            {
                "title": rng.choice(titles),
                "company": rng.choice(
                    [e for e in employers if e not in {j["company"] for j in jobs}]
                ),
                "start": divmod(start, 12),
                "end": None if current else divmod(year * 12 + month - 1, 12),
                "current": current,
                "location": f"{where}, {CITIES[where][0]}",
                "bullets": rng.sample(BULLETS, rng.randint(1, 3)),
            }
        )
        year, month = divmod(start - rng.randint(0, 6), 12)
        month += 1
    schools: list[dict[str, Any]] = []
    end_year = jobs[-1]["start"][0] - rng.randint(0, 1)
    for _ in range(rng.randint(1, 2)):
        degree = rng.choice(DEGREES)
        length = 2 if degree[1] in {"MSc", "MA", "MBA", "AAS"} else rng.choice([3, 4])
        schools.append(
            {
                "institution": rng.choice(
                    [s for s in SCHOOLS if s not in {e["institution"] for e in schools}]
                ),
                "degree": degree,
                "field": None
                if degree[1] in {"MBA", "LLB"}
                else rng.choice(job["fields"].split("|")),
                "start_year": end_year - length,
                "end_year": end_year,
            }
        )
        end_year -= length
    certs = [
        {"title": title, "issuer": issuer, "year": rng.randint(2012, 2024)}
        for title, issuer in rng.sample(job["certs"], rng.choice([0, 1, 2, 2, 3]))
    ]
    email_name = (
        f"{first}.{last}".encode("ascii", "ignore")
        .decode()
        .lower()
        .replace(" ", "")
        .replace("'", "")
    )
    return {
        "id": f"cv{index:03d}",
        "origin": origin,
        "occupation": occupation,
        "name": f"{first} {last}",
        "email": f"{email_name or 'cv'}{index}@{rng.choice(['example.com', 'mail.example.org'])}",
        "phone": _phone(rng, phone_format),
        "location": f"{city}, {country}",
        "headline": jobs[0]["title"],
        "summary": rng.choice(SUMMARIES),
        "skills": rng.sample(job["skills"].split("|"), rng.randint(4, 7)),
        "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
        "experience": jobs,
        "education": schools,
        "certifications": certs,
    }
