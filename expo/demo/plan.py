"""The demo's plan: everything that does not depend on the clock, decided from fixed seeds
(see expo/demo/__init__.py). The shape of the expo at scale 1 is here; its words are in
vocabulary.json."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.text import slugify

from expo.choices import Education, EmploymentType, Level, Programme, Region

from .vocabulary import (
    CITIES,
    COVER_NOTES,
    DOCTORATE_SPECS_SUFFIX,
    FIELDS_OF_STUDY,
    GBA_CITIES,
    GIVEN_CN,
    GIVEN_HK,
    GIVEN_INTL,
    HK_BASES,
    INNOHK_PREFIX,
    INNOHK_TOPICS,
    INSTITUTIONS,
    NAME_FIRST,
    NAME_SECOND,
    NAME_SUFFIX,
    NON_TECH_ROLES,
    NON_TECH_SKILLS,
    NON_TECH_SPECS,
    OVERSEAS_CITIES,
    PRESENTATION_TITLES,
    SECTOR_PRODUCTS,
    SENIOR_DOCTORATE,
    SUB_DEGREE_ROLES,
    SURNAMES_CN,
    SURNAMES_HK,
    SURNAMES_INTL,
    TAGLINES,
    TECH_ROLES,
    TRACK_EVENTS,
)

DEMO_PASSWORD = "expo-demo-2026"
# Role -> email of the demo logins printed by `seed_demo`.
DEMO_ACCOUNTS = {
    "talent": "talent@demo.expo",
    "employer": "employer@demo.expo",
    "organiser": "organiser@demo.expo",
}
EDITION_SLUG = "it-career-expo-2026"
EDITION_NAME = "I&T Career Expo 2026"
ORGANISER = "Hong Kong Science and Technology Parks"
TIME_ZONE = "Asia/Hong_Kong"
SEED = "it-career-expo-2026"
EXPO_DAYS = 30
# Free 1:1 times of each booth (expo/demo/write.py _meetings): five 20-minute slots from 14:00
# Hong Kong time on each of the coming five days.
MEETING_DAYS, MEETING_HOUR, MEETING_MINUTES, MEETING_SLOTS = 5, 14, 20, 5
BATCH_SIZE = 1000
ART_BOOTHS = 400  # booths that get generated logos and banners

# --- The shape at scale 1 (the real 2022 expo: 280+ companies, 2,900+ jobs) ------------------
# Companies with an approved booth, by programme.
COMPANIES = {
    Programme.INNOHK: 28,
    Programme.INNOPARK: 22,
    Programme.SCIENCE_PARK: 160,
    Programme.INNOCENTRE: 45,
    Programme.OTHER: 35,
}
# Open jobs, by programme: InnoHK 624 and INNOPARK 204 exactly, as published.
OPEN_JOBS = {
    Programme.INNOHK: 624,
    Programme.INNOPARK: 204,
    Programme.SCIENCE_PARK: 1480,
    Programme.INNOCENTRE: 372,
    Programme.OTHER: 280,
}
# Companies whose booth waits in the organiser's approval queue (no open jobs yet).
PENDING_BOOTHS = {"draft": 2, "submitted": 5, "rejected": 1}
# Jobs that filters hide, as a share of the open jobs.
HIDDEN_JOBS = {"closed": 0.03, "draft": 0.02, "expired": 0.01}
TALENT = 400
STAFFED_SHARE = 0.4  # companies whose admin and recruiter have accounts
COMPANIES_WITH_OFFICES_ABROAD = 0.60

# Shares of open jobs. InnoHK's research centres hire more doctorates and more senior staff.
JOB_MIX = {
    "innohk": {
        "education": {Education.DOCTORATE: 0.30, Education.MASTER: 0.18, Education.BACHELOR: 0.52},
        "level": {Level.ENTRY: 0.64, Level.MIDDLE: 0.29, Level.SENIOR: 0.07},
        "tech": 0.97,
        "open_both": 0.85,
    },
    "others": {
        "education": {
            Education.DOCTORATE: 0.065,
            Education.MASTER: 0.145,
            Education.BACHELOR: 0.72,
            Education.SUB_DEGREE: 0.07,
        },
        "level": {Level.ENTRY: 0.69, Level.MIDDLE: 0.275, Level.SENIOR: 0.035},
        "tech": 0.82,
        "open_both": 0.73,
    },
}
# Jobs not open to both: who they are open to.
OPEN_PARTIAL = {"gba": 0.45, "overseas": 0.15, "neither": 0.40}

# slug: (name, hall, share of open jobs). The first four are the busiest halls.
SECTORS = {
    "software-communications": ("Software & Communications", "Hall 1", 0.21),
    "ai-data-analytics": ("AI & Data Analytics", "Hall 2", 0.18),
    "biotech": ("BioTech", "Hall 3", 0.14),
    "electronic-sensors": ("Electronic Sensors", "Hall 4", 0.11),
    "fintech": ("FinTech", "Hall 5", 0.07),
    "robotics-automation": ("Robotics & Automation", "Hall 6", 0.07),
    "healthtech": ("HealthTech", "Hall 7", 0.06),
    "smart-city": ("Smart City", "Hall 8", 0.06),
    "green-tech": ("Green Tech", "Hall 9", 0.05),
    "materials-precision-engineering": ("Materials & Precision Engineering", "Hall 10", 0.05),
}
BUSIEST_SECTORS = list(SECTORS)[:4]
ALLOWED_SECTORS = {
    Programme.INNOHK: ["ai-data-analytics", "biotech", "healthtech", "robotics-automation"],
    Programme.INNOPARK: [
        "materials-precision-engineering",
        "biotech",
        "electronic-sensors",
        "green-tech",
        "healthtech",
        "robotics-automation",
    ],
    Programme.INNOCENTRE: [
        "software-communications",
        "fintech",
        "smart-city",
        "ai-data-analytics",
        "electronic-sensors",
        "healthtech",
        "green-tech",
    ],
    Programme.SCIENCE_PARK: list(SECTORS),
    Programme.OTHER: list(SECTORS),
}

TRACKS = [
    (
        "deep-tech-training",
        "Deep Tech Training",
        "Hands-on training in the technologies the park's companies hire for, taught by their "
        "engineers and scientists. Attend 75% of a session to earn its certificate.",
    ),
    (
        "innovative-thinking",
        "Innovative Thinking Workshops and Idea Pitching",
        "Design thinking, customer discovery and pitching workshops, ending with an idea "
        "pitching competition judged by founders and investors from the park.",
    ),
    (
        "upskilling-fintech",
        "Upskilling Series (Fintech)",
        "Short courses for people moving into fintech: payments, virtual banking, regtech, "
        "digital assets and the data skills employers ask for.",
    ),
]


# (track slug, start hour, start minute, minutes)
TRACK_SLOTS = {
    "deep-tech-training": (14, 0, 120),
    "innovative-thinking": (19, 0, 90),
    "upskilling-fintech": (12, 30, 60),
}
APPLICATION_STATUSES = {
    "submitted": 35,
    "reviewing": 20,
    "shortlisted": 12,
    "interview": 10,
    "offer": 4,
    "hired": 2,
    "rejected": 12,
    "withdrawn": 5,
}


# --- Plan --------------------------------------------------------------------------------------
@dataclass(slots=True)
class PlanCompany:
    slug: str
    name: str
    programme: str
    sector: str
    open_jobs: int
    has_office_abroad: bool
    headquarters: str
    base: str
    booth_status: str
    text_seed: int
    website: str = ""


@dataclass(slots=True)
class PlanJob:
    company: int  # index into Plan.companies
    title: str
    sector: str
    is_tech_rd: bool
    level: str
    education: str
    employment_type: str
    location: str
    open_to_overseas: bool
    open_to_gba: bool
    salary: tuple | None
    status: str  # published, closed, draft, expired (published with a past deadline)
    published_hours: float | None  # relative to the expo's opening
    deadline_hours: float | None
    skills: str
    text_seed: int

    @property
    def is_open(self):
        return self.status == "published"


@dataclass(slots=True)
class PlanPerson:
    email: str
    full_name: str
    joined_days: int  # days before the expo opened
    company: int | None = None  # staff: index into Plan.companies
    role: str = ""  # staff: admin or recruiter
    profile: dict | None = None  # talent
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(slots=True)
class PlanSession:
    kind: str
    track: str | None
    company: int | None
    title: str
    description: str
    speakers: str
    start: tuple  # ("day", day, hour, minute) or ("now", minutes from the seeding moment)
    minutes: int
    capacity: int | None
    certificate_bearing: bool


@dataclass
class Plan:
    scale: int
    companies: list = field(default_factory=list)
    jobs: list = field(default_factory=list)
    people: list = field(default_factory=list)  # demo accounts first, then talent, then staff
    sessions: list = field(default_factory=list)
    registrations: list = field(default_factory=list)  # (session index, email, status, hours)
    applications: list = field(default_factory=list)  # (job index, email, status, note, hours)
    demo_company: int = 0


def _rng(*parts):
    return random.Random(":".join(str(p) for p in (SEED, *parts)))


def _apportion(total, weights):
    """Split total into integers proportional to weights (largest remainder, stable order)."""
    keys = list(weights)
    whole = sum(weights.values())
    raw = {k: total * weights[k] / whole for k in keys}
    counts = {k: math.floor(raw[k]) for k in keys}
    rest = total - sum(counts.values())
    for k in sorted(keys, key=lambda k: raw[k] - counts[k], reverse=True)[:rest]:
        counts[k] += 1
    return counts


def _quota(rng, total, shares):
    """A shuffled list of `total` values whose counts follow `shares` exactly."""
    values = []
    for value, count in _apportion(total, shares).items():
        values.extend([value] * count)
    rng.shuffle(values)
    return values


def _split(rng, total, n):
    """`total` jobs over `n` companies: at least one each, skewed like real hiring."""
    weights = {i: rng.lognormvariate(0, 0.7) for i in range(n)}
    extra = _apportion(total - n, weights)
    return [1 + extra[i] for i in range(n)]


def _unique(rng, used, make):
    for _ in range(60):
        candidate = make()
        if candidate not in used:
            used.add(candidate)
            return candidate
    base, n = make(), 2
    while f"{base} {n}" in used:
        n += 1
    used.add(f"{base} {n}")
    return f"{base} {n}"


def _company_name(rng, programme, sector):
    if programme == Programme.INNOHK:
        adjectives, topics = INNOHK_TOPICS[sector]
        return f"{rng.choice(INNOHK_PREFIX)} {rng.choice(adjectives)} {rng.choice(topics)}"
    first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
    while second in first:
        second = rng.choice(NAME_SECOND)
    suffix = rng.choice(NAME_SUFFIX[sector])
    if " " not in first and rng.random() < 0.3:
        return f"{first}{second.lower()} {suffix}"
    return f"{first} {second} {suffix}"


def _person_name(rng, region):
    if region == Region.HONG_KONG:
        return f"{rng.choice(GIVEN_HK)} {rng.choice(SURNAMES_HK)}"
    if region == Region.GBA:
        return f"{rng.choice(GIVEN_CN)} {rng.choice(SURNAMES_CN)}"
    return f"{rng.choice(GIVEN_INTL)} {rng.choice(SURNAMES_INTL)}"


def _email_local(name):
    return slugify(name.replace(" ", ".")).replace("-", ".") or "user"


def _plan_companies(plan):
    rng = _rng(plan.scale, "companies")
    scale = plan.scale
    slots = []  # (programme, open jobs)
    for programme, n in COMPANIES.items():
        for count in _split(rng, OPEN_JOBS[programme] * scale, n * scale):
            slots.append((programme, count))
    # Sectors: fill each sector's share of open jobs, largest employers first (InnoHK and
    # INNOPARK have the fewest choices, so they go first). The error per sector stays below one
    # company's size, far less than the gap between the fourth and fifth busiest halls.
    total_open = sum(OPEN_JOBS.values()) * scale
    quota = _apportion(total_open, {slug: share for slug, (_, _, share) in SECTORS.items()})
    order = sorted(
        range(len(slots)),
        key=lambda i: (
            slots[i][0] not in (Programme.INNOHK, Programme.INNOPARK),
            slots[i][0] != Programme.INNOHK,
            -slots[i][1],
            i,
        ),
    )
    sector_of = {}
    for i in order:
        programme, count = slots[i]
        ranked = sorted(ALLOWED_SECTORS[programme], key=lambda s: -quota[s])
        pick = ranked[0]
        if len(ranked) > 1 and quota[ranked[1]] >= count and rng.random() < 0.5:
            pick = ranked[1]
        quota[pick] -= count
        sector_of[i] = pick
    abroad = _quota(
        rng,
        len(slots),
        {True: COMPANIES_WITH_OFFICES_ABROAD, False: 1 - COMPANIES_WITH_OFFICES_ABROAD},
    )
    pending = []
    for status, n in PENDING_BOOTHS.items():
        pending.extend([status] * (n * scale))
    names, slugs = set(), set()
    for i, (programme, count) in enumerate(slots):
        plan.companies.append(
            _make_company(rng, names, slugs, programme, sector_of[i], count, abroad[i], "approved")
        )
    for status in pending:
        programme = rng.choice([Programme.SCIENCE_PARK, Programme.INNOCENTRE, Programme.OTHER])
        sector = rng.choice(ALLOWED_SECTORS[programme])
        plan.companies.append(
            _make_company(rng, names, slugs, programme, sector, 0, rng.random() < 0.5, status)
        )


def _make_company(rng, names, slugs, programme, sector, open_jobs, abroad, booth_status):
    name = _unique(rng, names, lambda: _company_name(rng, programme, sector))
    slug = slugify(name)[:200]
    n = 2
    while slug in slugs:
        slug, n = f"{slugify(name)[:196]}-{n}", n + 1
    slugs.add(slug)
    base = rng.choice(HK_BASES[programme])
    headquarters = base
    if abroad:
        r = rng.random()
        if r < 0.3:
            headquarters = rng.choice(GBA_CITIES)
        elif r < 0.5:
            headquarters = rng.choice(OVERSEAS_CITIES)
    return PlanCompany(
        slug=slug,
        name=name,
        programme=programme,
        sector=sector,
        open_jobs=open_jobs,
        has_office_abroad=abroad,
        headquarters=headquarters,
        base=base,
        booth_status=booth_status,
        text_seed=rng.getrandbits(32),
        website=f"https://{slug[:60].strip('-')}.example.org",
    )


def _job_title(rng, sector, is_tech, level, education, employment_type):
    roles, specs, _skills = TECH_ROLES[sector]
    if not is_tech:
        role, spec = rng.choice(NON_TECH_ROLES), rng.choice(NON_TECH_SPECS)
    elif education == Education.DOCTORATE:
        spec = rng.choice(specs)
        role = (
            rng.choice(SENIOR_DOCTORATE) if level == Level.SENIOR else DOCTORATE_SPECS_SUFFIX[level]
        )
        return f"{role}, {spec}"
    elif education == Education.SUB_DEGREE:
        role, spec = rng.choice(SUB_DEGREE_ROLES), rng.choice(specs)
    else:
        role, spec = rng.choice(roles), rng.choice(specs)
    if employment_type == EmploymentType.INTERNSHIP:
        return f"{role} Intern, {spec}"
    if employment_type == EmploymentType.PLACEMENT:
        return f"{role}, {spec} (12-month placement)"
    if level == Level.SENIOR:
        role = f"{rng.choice(['Senior', 'Lead', 'Principal'])} {role}"
    elif level == Level.ENTRY and rng.random() < 0.35:
        role = f"{rng.choice(['Junior', 'Graduate', 'Assistant'])} {role}"
    suffix = {EmploymentType.CONTRACT: " (Contract)", EmploymentType.PART_TIME: " (Part-time)"}
    return f"{role}, {spec}{suffix.get(employment_type, '')}"


def _employment_type(rng, level, education):
    if level == Level.ENTRY and education != Education.DOCTORATE:
        weights = {"full_time": 64, "internship": 18, "placement": 9, "contract": 6, "part_time": 3}
    elif level == Level.MIDDLE:
        weights = {"full_time": 88, "contract": 10, "part_time": 2}
    else:
        weights = {"full_time": 93, "contract": 7}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _salary(rng, level, education, employment_type):
    if rng.random() < 0.12:
        return None
    if employment_type == EmploymentType.INTERNSHIP:
        low = rng.randrange(9, 15)
    elif employment_type == EmploymentType.PLACEMENT:
        low = rng.randrange(12, 17)
    elif education == Education.SUB_DEGREE:
        low = {Level.ENTRY: 14, Level.MIDDLE: 20, Level.SENIOR: 28}[level] + rng.randrange(0, 6)
    elif education == Education.DOCTORATE:
        low = {Level.ENTRY: 32, Level.MIDDLE: 45, Level.SENIOR: 70}[level] + rng.randrange(0, 8)
    else:
        low = {Level.ENTRY: 17, Level.MIDDLE: 30, Level.SENIOR: 55}[level] + rng.randrange(0, 10)
    high = low + rng.randrange(3, 5 + low // 4)
    return low * 1000, high * 1000


def _job_location(rng, company):
    r = rng.random()
    if r < 0.75:
        return company.base
    if r < 0.85 and company.has_office_abroad:
        return rng.choice(GBA_CITIES[:5])
    if r < 0.93:
        return rng.choice([f"Hybrid, {company.base}", "Remote (Hong Kong)"])
    return rng.choice(["Hong Kong Science Park", "Cyberport", "InnoCentre, Kowloon Tong"])


def _plan_jobs(plan):
    rng = _rng(plan.scale, "jobs")
    titles = defaultdict(set)

    def add(ci, status, level, education, is_tech, both):
        company = plan.companies[ci]
        sector = company.sector
        employment_type = _employment_type(rng, level, education)
        if both:
            overseas = gba = True
        else:
            who = rng.choices(list(OPEN_PARTIAL), weights=list(OPEN_PARTIAL.values()))[0]
            overseas, gba = who == "overseas", who == "gba"
        title = _unique(
            rng,
            titles[ci],
            lambda: _job_title(rng, sector, is_tech, level, education, employment_type),
        )
        pool = TECH_ROLES[sector][2] if is_tech else NON_TECH_SKILLS
        skills = rng.sample(pool, k=min(len(pool), rng.randint(4, 7)))
        if status == "draft":
            published, deadline = None, None
        elif status == "closed":
            published = -rng.uniform(24 * 5, 24 * 40)
            deadline = min(published + 24 * rng.uniform(7, 30), 12)
        elif status == "expired":
            published = -rng.uniform(24 * 7, 24 * 30)
            deadline = rng.uniform(1, 30)  # after opening, before now (see Clock)
        else:
            published = -rng.uniform(0, 24 * 21) if rng.random() < 0.9 else rng.uniform(0, 26)
            deadline = None if rng.random() < 0.2 else 24 * rng.uniform(EXPO_DAYS + 1, 75)
        plan.jobs.append(
            PlanJob(
                company=ci,
                title=title,
                sector=sector,
                is_tech_rd=is_tech,
                level=level,
                education=education,
                employment_type=employment_type,
                location=_job_location(rng, company),
                open_to_overseas=overseas,
                open_to_gba=gba,
                salary=_salary(rng, level, education, employment_type),
                status=status,
                published_hours=published,
                deadline_hours=deadline,
                skills=", ".join(skills),
                text_seed=rng.getrandbits(32),
            )
        )

    approved = [i for i, c in enumerate(plan.companies) if c.booth_status == "approved"]
    for group in ("innohk", "others"):
        members = [
            i
            for i in approved
            if (plan.companies[i].programme == Programme.INNOHK) == (group == "innohk")
        ]
        slots = [i for i in members for _ in range(plan.companies[i].open_jobs)]
        mix = JOB_MIX[group]
        n = len(slots)
        levels = _quota(rng, n, mix["level"])
        educations = _quota(rng, n, mix["education"])
        tech = _quota(rng, n, {True: mix["tech"], False: 1 - mix["tech"]})
        both = _quota(rng, n, {True: mix["open_both"], False: 1 - mix["open_both"]})
        for k, ci in enumerate(slots):
            add(ci, "published", levels[k], educations[k], tech[k], both[k])
    total_open = len(plan.jobs)
    for status, share in HIDDEN_JOBS.items():
        for _ in range(round(total_open * share)):
            add(
                rng.choice(approved),
                status,
                rng.choices(Level.values, weights=[6, 3, 1])[0],
                rng.choices(Education.values, weights=[1, 7, 2, 1])[0],
                rng.random() < 0.85,
                rng.random() < 0.7,
            )
    pending = [i for i, c in enumerate(plan.companies) if c.booth_status != "approved"]
    for ci in pending:
        for _ in range(2):
            add(ci, "draft", Level.ENTRY, Education.BACHELOR, True, True)


def _plan_people(plan):
    rng = _rng(plan.scale, "people")
    plan.people.append(
        PlanPerson(
            email=DEMO_ACCOUNTS["talent"],
            full_name="Chloe Wong",
            joined_days=20,
            profile={
                "headline": "MPhil in Computer Science, building computer vision for healthcare",
                "education_level": Education.MASTER,
                "field_of_study": "Computer Science",
                "institution": "The Hong Kong University of Science and Technology",
                "graduation_year": 2025,
                "experience_level": Level.ENTRY,
                "skills": "Python, PyTorch, computer vision, SQL, Docker, Cantonese, English",
                "sectors": ["ai-data-analytics", "healthtech", "software-communications"],
                "region": Region.HONG_KONG,
                "city": "Hong Kong",
                "country": "Hong Kong",
                "seeking": ["full_time", "internship"],
                "languages": "English, Cantonese, Putonghua",
                "links": "https://github.com/chloe-wong-demo\nhttps://chloewong.example.net",
                "is_discoverable": True,
            },
        )
    )
    plan.people.append(
        PlanPerson(
            email=DEMO_ACCOUNTS["employer"],
            full_name="Daniel Lau",
            joined_days=45,
            company=plan.demo_company,
            role="admin",
        )
    )
    plan.people.append(
        PlanPerson(
            email=DEMO_ACCOUNTS["organiser"],
            full_name="Expo Organiser",
            joined_days=120,
            is_staff=True,
            is_superuser=True,
        )
    )
    emails = {p.email for p in plan.people}
    regions = _quota(
        rng, TALENT * plan.scale, {Region.HONG_KONG: 0.5, Region.GBA: 0.3, Region.OVERSEAS: 0.2}
    )
    sectors = list(SECTORS)
    for n, region in enumerate(regions, start=1):
        name = _person_name(rng, region)
        email = f"{_email_local(name)}.{n}@talent.example.org"
        emails.add(email)
        education = rng.choices(Education.values, weights=[13, 45, 30, 12])[0]
        interests = rng.sample(sectors, k=rng.randint(1, 3))
        fields = FIELDS_OF_STUDY[interests[0]].split("|")
        skills = rng.sample(TECH_ROLES[interests[0]][2], k=rng.randint(3, 6))
        if region == Region.OVERSEAS:
            city, country = rng.choice(CITIES["overseas"])
        elif region == Region.GBA:
            city, country = rng.choice(CITIES["gba"]), "China"
        else:
            city, country = "Hong Kong", "Hong Kong"
        level = rng.choices(Level.values, weights=[60, 30, 10])[0]
        field_of_study = rng.choice(fields)
        degree = {
            "sub_degree": "Higher Diploma",
            "bachelor": "BEng/BSc",
            "master": "MSc",
            "doctorate": "PhD",
        }[education]
        seeking = sorted(
            {
                str(v)
                for v in rng.choices(
                    EmploymentType.values, weights=[60, 5, 8, 18, 9], k=rng.randint(1, 3)
                )
            }
        )
        plan.people.append(
            PlanPerson(
                email=email,
                full_name=name,
                joined_days=rng.randint(1, 60),
                profile={
                    "headline": f"{degree} in {field_of_study}, interested in "
                    f"{SECTORS[interests[0]][0]}",
                    "education_level": education,
                    "field_of_study": field_of_study,
                    "institution": rng.choice(INSTITUTIONS[region]),
                    "graduation_year": rng.randint(2012, 2026),
                    "experience_level": level,
                    "skills": ", ".join(skills),
                    "sectors": interests,
                    "region": region,
                    "city": city,
                    "country": country,
                    "seeking": seeking,
                    "languages": rng.choice(
                        [
                            "English, Cantonese",
                            "English, Putonghua",
                            "English",
                            "English, Cantonese, Putonghua",
                        ]
                    ),
                    "links": "",
                    "is_discoverable": rng.random() < 0.6,
                },
            )
        )
    approved = [i for i, c in enumerate(plan.companies) if c.booth_status == "approved"]
    staffed = set(rng.sample(approved, k=round(len(approved) * STAFFED_SHARE)))
    staffed.add(plan.demo_company)
    for ci in sorted(staffed):
        company = plan.companies[ci]
        domain = company.website.removeprefix("https://")
        for role in ("admin", "recruiter"):
            name = _person_name(rng, rng.choice([Region.HONG_KONG] * 3 + [Region.GBA]))
            email = f"{_email_local(name)}@{domain}"
            while email in emails:
                email = f"{_email_local(name)}.{role}{len(emails)}@{domain}"
            emails.add(email)
            plan.people.append(
                PlanPerson(
                    email=email,
                    full_name=name,
                    joined_days=rng.randint(20, 90),
                    company=ci,
                    role=role,
                )
            )


def _speakers(rng, plan):
    names = []
    for _ in range(rng.randint(1, 2)):
        company = rng.choice(plan.companies)
        title = rng.choice(["Dr ", "Prof. ", "", ""])
        names.append(f"{title}{_person_name(rng, rng.choice(list(Region)))} ({company.name})")
    return "; ".join(names)


def _plan_sessions(plan):
    rng = _rng(plan.scale, "sessions")
    for t, (track, events) in enumerate(TRACK_EVENTS.items()):
        hour, minute, minutes = TRACK_SLOTS[track]
        n = len(events)
        for k, (title, certificate) in enumerate(events):
            day = min(EXPO_DAYS - 1, round(k * (EXPO_DAYS - 2) / (n - 1)) + t % 2)
            plan.sessions.append(
                PlanSession(
                    kind="event",
                    track=track,
                    company=None,
                    title=title,
                    description=_event_description(rng, title, track, certificate),
                    speakers=_speakers(rng, plan),
                    start=("day", day, hour, minute),
                    minutes=minutes,
                    capacity=rng.choice([150, 300, 500, None]),
                    certificate_bearing=certificate,
                )
            )
    approved = [i for i, c in enumerate(plan.companies) if c.booth_status == "approved"]
    hosts = sorted(rng.sample(approved, k=round(len(approved) * 0.35)))
    for ci in hosts:
        company = plan.companies[ci]
        count = 2 if company.open_jobs >= 20 else 1
        titles = rng.sample(PRESENTATION_TITLES, k=count)
        for template in titles:
            day = min(EXPO_DAYS - 1, int(rng.expovariate(1 / 7)))
            plan.sessions.append(
                PlanSession(
                    kind="presentation",
                    track=None,
                    company=ci,
                    title=template.format(company=company.name, sector=SECTORS[company.sector][0]),
                    description=_presentation_description(company),
                    speakers=f"{_person_name(rng, Region.HONG_KONG)} and "
                    f"{_person_name(rng, rng.choice(list(Region)))}, {company.name}",
                    start=("day", day, rng.randint(10, 19), rng.choice([0, 30])),
                    minutes=rng.choice([30, 45, 60]),
                    capacity=rng.choice([100, 200, None]),
                    certificate_bearing=False,
                )
            )
    # Around the moment of seeding: two live sessions and several within the next hours.
    by_sector = {}
    for ci in approved:
        by_sector.setdefault(plan.companies[ci].sector, ci)
    demo = plan.companies[plan.demo_company]
    around_now = [
        (
            "event",
            "deep-tech-training",
            None,
            "Live lab: AI-assisted drug discovery, end to end",
            -30,
            120,
            True,
        ),
        (
            "presentation",
            None,
            plan.demo_company,
            f"Meet the researchers of {demo.name}",
            -15,
            75,
            False,
        ),
        (
            "presentation",
            None,
            by_sector["software-communications"],
            "Night shift: how our platform team runs a 24/7 service",
            60,
            45,
            False,
        ),
        (
            "event",
            "upskilling-fintech",
            None,
            "Upskilling clinic: Python for risk and quant analytics",
            90,
            60,
            True,
        ),
        (
            "presentation",
            None,
            by_sector["ai-data-analytics"],
            "Open office hours: our machine learning engineers answer your questions",
            120,
            45,
            False,
        ),
        (
            "event",
            "innovative-thinking",
            None,
            "Lightning pitches: open mic for student founders",
            180,
            90,
            False,
        ),
        (
            "presentation",
            None,
            by_sector["biotech"],
            "Careers in our wet lab: a virtual tour",
            240,
            45,
            False,
        ),
    ]
    for kind, track, ci, title, offset, minutes, certificate in around_now:
        description = (
            _event_description(rng, title, track, certificate)
            if kind == "event"
            else _presentation_description(plan.companies[ci])
        )
        speakers = (
            _speakers(rng, plan)
            if kind == "event"
            else f"{_person_name(rng, Region.HONG_KONG)}, {plan.companies[ci].name}"
        )
        plan.sessions.append(
            PlanSession(
                kind=kind,
                track=track,
                company=ci,
                title=title,
                description=description,
                speakers=speakers,
                start=("now", offset),
                minutes=minutes,
                capacity=None,
                certificate_bearing=certificate,
            )
        )


def _event_description(rng, title, track, certificate):
    track_name = next(name for slug, name, _ in TRACKS if slug == track)
    lines = [
        f"Part of **{track_name}**, the talent month of the I&T Career Expo.",
        rng.choice(
            [
                "A practical session with live demos and time for your questions.",
                "Bring a laptop: you will follow along with the exercises.",
                "Short talks from practitioners, then a panel and an open Q&A.",
            ]
        ),
    ]
    if certificate:
        lines.append("Attend at least 75% of the session to receive a certificate.")
    return "\n\n".join(lines)


def _presentation_description(company):
    return (
        f"{company.name} presents its work in {SECTORS[company.sector][0]} and the roles it is "
        f"hiring for at the expo. Bring your questions for the team: the last fifteen minutes "
        f"are an open Q&A."
    )


def _plan_activity(plan):
    rng = _rng(plan.scale, "activity")
    talent = [p.email for p in plan.people[3:] if p.profile]
    demo_talent = DEMO_ACCOUNTS["talent"]
    statuses = {"registered": 90, "waitlisted": 5, "cancelled": 5}
    for si, session in enumerate(plan.sessions):
        k = rng.randint(15, 60) if session.kind == "event" else rng.randint(3, 20)
        for email in rng.sample(talent, k=min(k, len(talent))):
            status = rng.choices(list(statuses), weights=list(statuses.values()))[0]
            plan.registrations.append((si, email, status, -rng.uniform(1, 24 * 14)))
    # The demo talent: both live sessions, the next events and a few past certificate events.
    now_sessions = [si for si, s in enumerate(plan.sessions) if s.start[0] == "now"]
    past_events = [
        si
        for si, s in enumerate(plan.sessions)
        if s.kind == "event" and s.start[0] == "day" and s.start[1] <= 1
    ]
    taken = {(si, e) for si, e, _, _ in plan.registrations}
    for si in now_sessions[:4] + past_events:
        if (si, demo_talent) not in taken:
            plan.registrations.append((si, demo_talent, "registered", -rng.uniform(1, 24 * 7)))

    open_jobs = [j for j, job in enumerate(plan.jobs) if job.is_open]
    statuses = APPLICATION_STATUSES
    taken = set()

    def apply(j, email, status=None):
        if (j, email) in taken:
            return
        taken.add((j, email))
        status = status or rng.choices(list(statuses), weights=list(statuses.values()))[0]
        note = rng.choice(COVER_NOTES) if rng.random() < 0.6 else ""
        plan.applications.append((j, email, status, note, rng.uniform(1, 30)))

    for email in talent[: int(len(talent) * 0.7)]:
        for j in rng.sample(open_jobs, k=rng.randint(1, 5)):
            apply(j, email)
    demo_jobs = [j for j in open_jobs if plan.jobs[j].company == plan.demo_company]
    for email in rng.sample(talent, k=min(30, len(talent))):
        apply(rng.choice(demo_jobs), email)
    ai_jobs = [j for j in open_jobs if plan.jobs[j].sector == "ai-data-analytics"]
    for j, status in zip(
        rng.sample(ai_jobs, k=6),
        ["submitted", "reviewing", "shortlisted", "interview", "offer", "rejected"],
        strict=True,
    ):
        apply(j, demo_talent, status)


def build_plan(scale=1) -> Plan:
    """The whole demo expo for `scale`, without touching the database or the clock."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    plan = Plan(scale=scale)
    _plan_companies(plan)
    innohk = [i for i, c in enumerate(plan.companies) if c.programme == Programme.INNOHK]
    plan.demo_company = max(innohk, key=lambda i: (plan.companies[i].open_jobs, -i))
    _plan_jobs(plan)
    _plan_people(plan)
    _plan_sessions(plan)
    _plan_activity(plan)
    return plan


# --- Text built only for rows being inserted ----------------------------------------------
def booth_tagline(company):
    rng = random.Random(company.text_seed)
    product = rng.choice(SECTOR_PRODUCTS[company.sector])
    return rng.choice(TAGLINES).format(
        product=product, product_cap=product[:1].upper() + product[1:]
    )[:200]


def booth_description(company):
    rng = random.Random(company.text_seed)
    products = rng.sample(SECTOR_PRODUCTS[company.sector], k=3)
    sector = SECTORS[company.sector][0]
    programme = {
        Programme.INNOHK: "an InnoHK research centre, where university scientists and industry "
        "partners work side by side",
        Programme.INNOPARK: f"a manufacturer at {company.base}, producing at industrial scale "
        "in Hong Kong",
        Programme.SCIENCE_PARK: "a Hong Kong Science Park company",
        Programme.INNOCENTRE: "a design-led technology company at InnoCentre",
        Programme.OTHER: f"a technology company based in {company.base}",
    }[company.programme]
    offices = (
        f"We work from {company.base} with colleagues in the Greater Bay Area and overseas."
        if company.has_office_abroad
        else f"Our whole team sits in {company.base}."
    )
    return (
        f"## About {company.name}\n\n"
        f"{company.name} is {programme}, working in {sector}. {offices}\n\n"
        "### What we work on\n\n"
        + "".join(f"- {p[:1].upper() + p[1:]}\n" for p in products)
        + "\n### Why join us\n\n"
        "- Mentoring from senior engineers and scientists from day one\n"
        "- Hybrid working and flexible hours\n"
        "- Conference budget and support for further study\n\n"
        "### At the expo\n\n"
        "Chat with our recruiters at the booth, ask for a 1:1 conversation and apply to our "
        "**open positions** below. Fresh graduates, interns and placement students welcome."
    )


# Chinese names of common roles (Traditional, Simplified): jobs with these titles carry a short
# Chinese summary, as Hong Kong and GBA employers often write, so that search in Chinese
# (嵌入式, 数据) finds them.
ROLE_ZH = {
    "Software Engineer": ("軟件工程師", "软件工程师"),
    "Backend Engineer": ("後端工程師", "后端工程师"),
    "Frontend Engineer": ("前端工程師", "前端工程师"),
    "Full-Stack Developer": ("全端開發工程師", "全栈开发工程师"),
    "Mobile App Developer": ("流動應用程式開發員", "移动应用开发工程师"),
    "DevOps Engineer": ("DevOps 工程師", "DevOps 工程师"),
    "Cloud Engineer": ("雲端工程師", "云计算工程师"),
    "Network Engineer": ("網絡工程師", "网络工程师"),
    "Security Engineer": ("資訊保安工程師", "信息安全工程师"),
    "Embedded Software Engineer": ("嵌入式軟件工程師", "嵌入式软件工程师"),
    "Machine Learning Engineer": ("機器學習工程師", "机器学习工程师"),
    "Data Scientist": ("數據科學家", "数据科学家"),
    "Data Engineer": ("數據工程師", "数据工程师"),
    "Data Analyst": ("數據分析師", "数据分析师"),
    "Computer Vision Engineer": ("電腦視覺工程師", "计算机视觉工程师"),
    "NLP Engineer": ("自然語言處理工程師", "自然语言处理工程师"),
    "AI Research Engineer": ("人工智能研究工程師", "人工智能研究工程师"),
    "Hardware Engineer": ("硬件工程師", "硬件工程师"),
    "IC Design Engineer": ("集成電路設計工程師", "集成电路设计工程师"),
    "Firmware Engineer": ("嵌入式韌體工程師", "嵌入式固件工程师"),
    "RF Engineer": ("射頻工程師", "射频工程师"),
    "Test Engineer": ("測試工程師", "测试工程师"),
    "Robotics Engineer": ("機械人工程師", "机器人工程师"),
    "Research Scientist": ("研究科學家", "研究科学家"),
    "Bioinformatician": ("生物資訊學家", "生物信息学家"),
}


def _chinese_summary(job, company) -> str:
    role = job.title.split(",")[0].split(" (")[0].removesuffix(" Intern")
    for prefix in ("Senior ", "Lead ", "Principal ", "Junior ", "Graduate ", "Assistant "):
        role = role.removeprefix(prefix)
    names = ROLE_ZH.get(role)
    if names is None:
        return ""
    traditional, simplified = names
    lines = [f"中文簡介：{company.name}誠聘{traditional}，工作地點：{job.location}。"]
    if job.open_to_gba:
        lines.append(f"中文简介：{company.name}诚聘{simplified}，欢迎大湾区人才申请。")
    return "\n\n".join(lines)


def job_description(job, company):
    rng = random.Random(job.text_seed)
    product = rng.choice(SECTOR_PRODUCTS[job.sector])
    sector = SECTORS[job.sector][0]
    education = dict(Education.choices)[job.education]
    level = {
        Level.ENTRY: "You are early in your career: fresh graduates are welcome.",
        Level.MIDDLE: "You have three or more years of relevant experience.",
        Level.SENIOR: "You have led projects or teams for several years.",
    }[job.level]
    duties = rng.sample(
        [
            f"Design, build and test {product}.",
            "Work with researchers and product managers to turn prototypes into products.",
            "Write clear documentation and share what you learn with the team.",
            "Take part in code, design or protocol reviews.",
            "Support pilots with customers in Hong Kong and the Greater Bay Area.",
            "Keep up with the literature and bring new methods into our work.",
            "Analyse results and present them to partners and funders.",
        ],
        k=4,
    )
    paragraphs = [
        f"{company.name} is hiring for its {sector} team at {job.location}. We build "
        f"{product}, and this role is at the heart of it.",
        "What you will do:\n\n" + "\n".join(f"- {d}" for d in duties),
        f"What we look for: a {education.lower()} or above. {level} Skills we value: {job.skills}.",
    ]
    if job.open_to_overseas and job.open_to_gba:
        paragraphs.append(
            "We welcome applicants from Hong Kong, the Greater Bay Area and "
            "overseas, and support work visas through the Technology Talent "
            "Admission Scheme where needed."
        )
    elif job.open_to_gba:
        paragraphs.append("We welcome applicants from Hong Kong and the Greater Bay Area.")
    if company.programme == Programme.INNOHK:
        paragraphs.append(
            "As an InnoHK centre we collaborate with leading universities "
            "worldwide; research posts may be supported by the Research Talent "
            "Hub."
        )
    chinese = _chinese_summary(job, company)
    if chinese:
        paragraphs.append(chinese)
    return "\n\n".join(paragraphs)
