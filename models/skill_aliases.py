"""The skill vocabulary of the whole product: canonical names, their other spellings, and a finder.

One table serves skill canonicalization on write ("JS" is JavaScript), the CV structurer and the
evaluation engines, which also read skills out of free text (work descriptions, CV lines). The
table is data: adding a skill is one line, never code. Spellings are compared case-insensitively.

Short names that are ordinary words or letters ("Go", "R", "C", "AI", "TS", ...) are PROSE_UNSAFE:
`canonical()` resolves them (a skill list says what it means), but `mentions()` only finds them
written exactly as the canonical name inside a list of things ("Python, Go, SQL"), never in prose
("go to market", "plan C").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# canonical name -> other spellings (lower case). One line per skill, grouped by field.
BUILTIN: dict[str, tuple[str, ...]] = {
    # software
    "JavaScript": ("js", "ecmascript", "es6"),
    "TypeScript": ("ts",),
    "Python": ("py", "python3"),
    "PostgreSQL": ("postgres", "psql", "pg"),
    "Kubernetes": ("k8s", "kube"),
    "Go": ("golang",),
    "Node.js": ("node", "nodejs", "node js"),
    "React": ("react.js", "reactjs"),
    "Vue.js": ("vue", "vuejs"),
    "C#": ("csharp", "c sharp"),
    "C++": ("cpp",),
    "Amazon Web Services": ("aws",),
    "Google Cloud Platform": ("gcp", "google cloud"),
    "Microsoft Azure": ("azure",),
    "Machine Learning": ("ml",),
    "Artificial Intelligence": ("ai",),
    "Continuous Integration": ("ci", "ci/cd"),
    "Ruby on Rails": ("rails", "ror"),
    "Microsoft SQL Server": ("mssql", "sql server"),
    "MongoDB": ("mongo",),
    "Docker": ("docker engine",),
    "Terraform": ("tf",),
    "Java": (),
    "Kotlin": (),
    "Swift": (),
    "Rust": (),
    "Ruby": (),
    "PHP": (),
    "Scala": (),
    "C": (),
    "R": ("r language", "rstats"),
    "SQL": (),
    "MySQL": (),
    "Redis": (),
    "GraphQL": (),
    "Django": (),
    "FastAPI": (),
    "Flask": (),
    "Spring Boot": (),
    ".NET": ("dotnet", "asp.net"),
    "Linux": (),
    "Git": (),
    "REST APIs": ("rest", "rest api", "restful", "restful apis", "rest services"),
    "Microservices": ("microservice", "micro-services"),
    "Apache Kafka": ("kafka",),
    "Elasticsearch": ("elastic search",),
    "Prometheus": (),
    "Ansible": (),
    "Android": (),
    "iOS": (),
    "HTML": ("html5",),
    "CSS": ("css3",),
    "Next.js": ("nextjs",),
    "Angular": ("angularjs",),
    # data
    "Apache Spark": ("spark", "pyspark"),
    "Apache Airflow": ("airflow",),
    "dbt": ("data build tool",),
    "Snowflake": (),
    "Pandas": (),
    "scikit-learn": ("sklearn", "scikit learn"),
    "PyTorch": (),
    "TensorFlow": (),
    "Deep Learning": (),
    "Statistics": ("statistical analysis", "statistical modelling", "statistical modeling"),
    "Data Analysis": ("data analytics",),
    "Data Visualization": ("data visualisation",),
    "Tableau": (),
    "Power BI": ("powerbi",),
    "Looker": (),
    "ETL": ("elt",),
    "A/B Testing": ("ab testing", "a/b tests"),
    "Microsoft Excel": ("excel", "ms excel"),
    # nursing and care
    "Patient Care": ("direct patient care",),
    "Medication Administration": ("medication management",),
    "Basic Life Support": ("bls",),
    "Advanced Cardiac Life Support": ("acls",),
    "Pediatric Advanced Life Support": ("pals",),
    "Electronic Health Records": ("ehr", "emr", "electronic medical records"),
    "Wound Care": ("wound management", "wound dressing"),
    "Triage": (),
    "IV Therapy": ("iv insertion", "intravenous therapy", "cannulation"),
    "Phlebotomy": ("venepuncture", "venipuncture"),
    "Critical Care": ("intensive care",),
    "Emergency Nursing": (),
    "Infection Control": ("infection prevention",),
    "Care Planning": ("care plans", "care plan"),
    "Pediatrics": ("paediatrics", "paediatric", "pediatric"),
    "Geriatrics": ("elderly care", "aged care", "gerontology"),
    "Mental Health": ("psychiatric care", "psychiatric nursing"),
    # finance and accounting
    "Financial Modeling": ("financial modelling", "financial models"),
    "Financial Reporting": (),
    "Budgeting": ("budgets", "budget management"),
    "Forecasting": ("financial forecasting", "forecasts"),
    "Variance Analysis": (),
    "Accounts Payable": (),
    "Accounts Receivable": (),
    "Reconciliation": ("reconciliations", "bank reconciliation", "account reconciliation"),
    "IFRS": ("international financial reporting standards",),
    "GAAP": ("us gaap",),
    "Audit": ("auditing", "internal audit", "external audit"),
    "Taxation": ("tax",),
    "SAP": ("sap erp", "sap fi", "s/4hana"),
    "QuickBooks": ("quickbooks online",),
    "Xero": (),
    "Valuation": ("valuations",),
    "Bookkeeping": (),
    "Payroll": ("payroll processing",),
    # sales and customers
    "Salesforce": ("sfdc",),
    "CRM": ("customer relationship management",),
    "HubSpot": (),
    "Lead Generation": ("lead gen",),
    "Cold Calling": ("cold calls", "outbound calling"),
    "Account Management": (),
    "Negotiation": ("negotiating", "contract negotiation"),
    "B2B Sales": ("b2b", "business-to-business sales"),
    "Pipeline Management": ("sales pipeline",),
    "Business Development": (),
    "Customer Service": ("customer support", "client service"),
    # teaching
    "Lesson Planning": ("lesson plans", "lesson plan", "schemes of work"),
    "Classroom Management": ("behaviour management", "behavior management"),
    "Curriculum Development": ("curriculum design",),
    "Differentiated Instruction": ("differentiation",),
    "Special Educational Needs": ("sen", "send", "special education", "sped"),
    "Student Assessment": ("formative assessment",),
    "Safeguarding": (),
    "Mathematics": ("maths", "math"),
    "Physics": (),
    "English Literature": (),
    # skilled trades
    "Electrical Installation": ("electrical installations", "electrical wiring"),
    "Electrical Testing": ("inspection and testing", "testing and inspection"),
    "Fault Finding": ("fault diagnosis",),
    "Plumbing": (),
    "HVAC": ("heating ventilation and air conditioning", "air conditioning"),
    "Welding": ("mig welding", "tig welding", "arc welding"),
    "Carpentry": ("joinery",),
    "Blueprint Reading": ("reading blueprints",),
    "PLC Programming": ("plc", "plcs"),
    "Preventive Maintenance": ("planned maintenance", "preventative maintenance"),
    "Health and Safety": ("h&s", "workplace safety"),
    "Conduit Bending": (),
    "Solar PV": ("photovoltaic", "solar panels"),
    # design
    "Figma": (),
    "Sketch": (),
    "Adobe Photoshop": ("photoshop",),
    "Adobe Illustrator": ("illustrator",),
    "Adobe InDesign": ("indesign",),
    "UX Design": ("user experience", "ux", "user experience design"),
    "UI Design": ("user interface design", "ui", "visual design"),
    "User Research": ("ux research",),
    "Wireframing": ("wireframes", "wireframe"),
    "Prototyping": ("prototypes", "prototype"),
    "Design Systems": ("design system", "component library"),
    "Typography": (),
    "Branding": ("brand identity", "brand design"),
    # people and HR
    "Recruitment": ("recruiting", "talent acquisition"),
    "Employee Relations": ("er casework", "grievances", "disciplinaries"),
    "HRIS": ("hr information systems",),
    "Onboarding": (),
    "Performance Management": ("performance reviews", "appraisals"),
    "Employment Law": ("labour law", "labor law", "employment legislation"),
    "Compensation and Benefits": ("compensation", "benefits administration"),
    "Learning and Development": ("l&d", "training delivery"),
    # operations and supply chain
    "Supply Chain Management": ("supply chain",),
    "Logistics": (),
    "Inventory Management": ("stock control", "inventory control"),
    "Lean": ("lean manufacturing",),
    "Six Sigma": ("lean six sigma",),
    "Warehouse Management": ("warehousing", "wms"),
    "Procurement": ("purchasing",),
    "Process Improvement": ("continuous improvement", "process optimisation"),
    "ERP": ("erp systems",),
    "Forklift Operation": ("forklift", "forklift license"),
    "Sales and Operations Planning": ("s&op",),
    # general
    "Project Management": ("project delivery",),
    "Product Management": (),
    "Agile": ("agile methodologies",),
    "Scrum": (),
    "Stakeholder Management": ("stakeholder engagement",),
    "Team Leadership": (),
    "Technical Writing": (),
}

# canonical name -> tools, products and narrower terms that show the skill in practice ("Epic" is an
# electronic health record system). They count as evidence of the skill when evaluating a profile,
# but are not spellings of it: a skill list may name both without being told they are duplicates.
IMPLIES: dict[str, tuple[str, ...]] = {
    "Spring Boot": ("spring",),
    "Taxation": ("vat", "tax returns"),
    "Onboarding": ("induction",),
    "Plumbing": ("pipefitting", "pipe fitting"),
    "PyTorch": ("torch",),
    "Budgeting": ("budget", "budget planning"),
    "Continuous Integration": ("continuous delivery", "cicd"),
    "Git": ("github", "gitlab"),
    "Data Analysis": ("analytics",),
    "Data Visualization": ("dashboards", "dashboarding"),
    "ETL": ("data pipelines", "data pipeline"),
    "A/B Testing": ("experimentation",),
    "Microsoft Excel": ("spreadsheets", "vlookup", "pivot tables"),
    "Patient Care": ("patient assessment", "bedside care"),
    "Electronic Health Records": ("epic", "cerner"),
    "Critical Care": ("icu",),
    "Emergency Nursing": ("emergency department", "emergency room", "a&e"),
    "Financial Modeling": ("dcf",),
    "Financial Reporting": ("management accounts", "statutory reporting", "month-end close"),
    "Forecasting": ("fp&a",),
    "Accounts Receivable": ("credit control",),
    "Bookkeeping": ("general ledger", "ledger"),
    "Lead Generation": ("prospecting",),
    "Account Management": ("key account management", "account manager"),
    "B2B Sales": ("enterprise sales", "saas sales"),
    "Pipeline Management": ("pipeline",),
    "Business Development": ("new business",),
    "Student Assessment": ("marking", "grading"),
    "Safeguarding": ("child protection",),
    "Fault Finding": ("troubleshooting", "diagnostics"),
    "Electrical Installation": ("wiring",),
    "Blueprint Reading": ("technical drawings", "reading drawings"),
    "Health and Safety": ("osha",),
    "Conduit Bending": ("conduit",),
    "User Research": ("user interviews", "usability testing"),
    "Recruitment": ("hiring", "sourcing"),
    "HRIS": ("workday", "bamboohr", "personio"),
    "Compensation and Benefits": ("reward",),
    "Logistics": ("distribution", "transport planning"),
    "Inventory Management": ("inventory",),
    "Lean": ("kaizen", "5s"),
    "Six Sigma": ("dmaic",),
    "Procurement": ("sourcing strategy", "vendor management"),
    "ERP": ("oracle erp", "netsuite"),
    "Sales and Operations Planning": ("demand planning",),
    "Project Management": ("pmp", "prince2"),
    "Product Management": ("product manager", "product owner"),
    "Team Leadership": ("people management", "line management", "team management"),
    "Technical Writing": ("documentation",),
    "Medication Administration": ("administering medication",),
}

# skill -> broader skills its use shows (Django work is Python work); one level, no chains
BROADER: dict[str, tuple[str, ...]] = {
    "Django": ("Python",), "Flask": ("Python",), "FastAPI": ("Python",), "Pandas": ("Python",),
    "scikit-learn": ("Python", "Machine Learning"), "PyTorch": ("Python", "Deep Learning"),
    "TensorFlow": ("Python", "Deep Learning"), "Deep Learning": ("Machine Learning",),
    "Spring Boot": ("Java",), "React": ("JavaScript",), "Next.js": ("React", "JavaScript"),
    "Vue.js": ("JavaScript",), "Angular": ("TypeScript", "JavaScript"),
    "Node.js": ("JavaScript",), "TypeScript": ("JavaScript",), "Ruby on Rails": ("Ruby",),
    "PostgreSQL": ("SQL",), "MySQL": ("SQL",), "Microsoft SQL Server": ("SQL",),
    "Snowflake": ("SQL",), "dbt": ("SQL", "ETL"), "Apache Airflow": ("ETL",),
    "Apache Spark": ("ETL",), "Tableau": ("Data Visualization",),
    "Power BI": ("Data Visualization",), "Looker": ("Data Visualization",),
    "QuickBooks": ("Bookkeeping",), "Xero": ("Bookkeeping",), "SAP": ("ERP",),
    "Salesforce": ("CRM",), "HubSpot": ("CRM",), "Six Sigma": ("Process Improvement",),
    "Lean": ("Process Improvement",), "Advanced Cardiac Life Support": ("Basic Life Support",),
    "Pediatric Advanced Life Support": ("Basic Life Support",), "Kubernetes": ("Docker",),
    "Critical Care": ("Patient Care",), "Emergency Nursing": ("Patient Care", "Triage"),
    "Cold Calling": ("Lead Generation",), "Wireframing": ("UX Design",),
    "User Research": ("UX Design",), "Design Systems": ("UI Design",),
}  # fmt: skip

# spellings that are ordinary words or letters: resolved from skill lists, never found in prose
# unless written exactly as the canonical name inside a list of things
PROSE_UNSAFE: frozenset[str] = frozenset(
    {"go", "r", "c", "ai", "ml", "ts", "tf", "pg", "py", "ci", "ui", "ux", "sen",
     "send", "tax", "reward", "spring", "rest", "node", "spark", "sketch", "swift", "math",
     "pipeline", "hiring", "sourcing", "prototype", "kube", "torch", "epic", "5s", "git", "ruby",
     "scala", "rails", "vue", "grading", "marking", "ledger", "emr", "ehr", "plc"}
)  # fmt: skip
# acronyms of two letters or more are safe in prose when written in capitals ("led UX research")
_ACRONYM_UNSAFE = frozenset({"go"})

BUILTIN_ALIASES: dict[str, str] = {
    spelling: name for name, spellings in BUILTIN.items() for spelling in (name.lower(), *spellings)
}
# every spelling that names or shows a skill -> the skill it counts as
EVIDENCE: dict[str, str] = {
    **{term: name for name, terms in IMPLIES.items() for term in terms},
    **BUILTIN_ALIASES,
}
_LIST_BEFORE = ",/(|;:•·-"
_LIST_AFTER = ",/)|;"


@dataclass(frozen=True)
class Mention:
    """A vocabulary skill found in free text at text[start:end]."""

    canonical: str
    start: int
    end: int


def fold(name: str) -> str:
    """The form spellings are compared in: lower case, single spaces."""
    return " ".join(name.lower().split())


def canonical(name: str) -> str | None:
    """The canonical name a spelling stands for ("k8s" -> "Kubernetes"); None when unknown."""
    return BUILTIN_ALIASES.get(fold(name))


def concept(name: str) -> str | None:
    """The skill a listed name counts as when evaluating: a spelling of it or a tool of it."""
    return EVIDENCE.get(fold(name))


def _pattern() -> re.Pattern[str]:
    spellings = sorted(EVIDENCE, key=lambda s: (-len(s), s))
    parts = [re.escape(s).replace(r"\ ", r"\s+") for s in spellings]
    # a spelling may be followed by a plural ending ("financial models", "ERPs")
    return re.compile(
        r"(?<![\w.#+&-])(?P<spelling>" + "|".join(parts) + r")(?:e?s)?(?![\w#+&])", re.IGNORECASE
    )


_FINDER = _pattern()


def _in_list(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    return (before[-1:] in tuple(_LIST_BEFORE) and before != "") or after[:1] in tuple(_LIST_AFTER)


def _acronym(written: str) -> bool:
    return len(written) >= 2 and written.isupper() and written.lower() not in _ACRONYM_UNSAFE


def _listed(text: str, match: re.Match[str], name: str) -> bool:
    """A short name written as its canonical spelling inside a list ("Python, Go, SQL")."""
    written = match.group(0)  # with any plural ending: "Gos" is not Go
    return (
        fold(written) == fold(name)
        and written[:1].isupper()
        and _in_list(text, match.start(), match.end())
    )


@lru_cache(maxsize=8192)
def _mentions(text: str) -> tuple[Mention, ...]:
    found: list[Mention] = []
    for match in _FINDER.finditer(text):
        spelling = fold(match.group("spelling"))
        name = EVIDENCE[spelling]
        if spelling in PROSE_UNSAFE and not (
            _acronym(match.group("spelling")) or _listed(text, match, name)
        ):
            continue
        found.append(Mention(name, match.start(), match.end()))
    return tuple(found)


def broader(name: str) -> tuple[str, ...]:
    """The broader skills a canonical skill's use also shows."""
    return BROADER.get(name, ())


def mentions(text: str) -> list[Mention]:
    """Vocabulary skills named in free text, in order of appearance (word boundaries respected)."""
    return list(_mentions(text)) if text else []
