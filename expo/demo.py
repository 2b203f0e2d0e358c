"""The demo expo behind `manage.py seed_demo`: a believable I&T Career Expo at the scale and shape
of the real 2022 Hong Kong Science Park expo, placed around today so that it is live.

How it is built
---------------
1. `build_plan(scale)` decides everything that does not depend on the clock: sectors, companies
   and booths, jobs, talent and employer staff, talent-month sessions and booth presentations,
   registrations and applications. It draws only from `random.Random` instances seeded with fixed
   strings, so one scale always gives the same plan. Exact quotas (not probabilities) fix the
   shares the expo publishes, so the key figures hold at every scale.
2. `Clock(now)` places the plan in time. The expo opened two days ago at 10:00 Hong Kong time and
   its talent month runs for thirty days; a handful of sessions sit around the moment of seeding
   (two live now, several starting within the next hours).
3. `seed()` writes the plan with upserts on natural keys, inside one transaction:
   sectors by slug, the edition by slug, companies by slug, booths by (edition, company), jobs by
   (company, title), users by email, profiles and memberships by user, tracks by (edition, slug),
   sessions by (track, host booth, title), registrations by (session, user), applications by
   (job, talent). Missing rows are built in memory and inserted with `bulk_create`; rows that
   exist are never duplicated and their content is left alone (an organiser's edits survive).
   Only the clock moves: when the edition's opening day changed since the last run, every dated
   row of the edition (jobs, booths, sessions, registrations, applications) is shifted by the
   same whole number of days in a few UPDATE queries, and the planned sessions are re-timed so
   that some are live around the new moment of seeding. Running it twice leaves the same rows.

Changing `--scale` on a seeded database adds the missing rows of the larger plan and deletes
nothing; start from an empty database to go down in scale.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from expo.choices import Education, EmploymentType, Level, Programme, Region

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
BATCH_SIZE = 1000

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


def _words(text):
    return [w.strip() for w in text.split("|") if w.strip()]


# --- Vocabulary --------------------------------------------------------------------------------
NAME_FIRST = _words(
    "Quantum|Harbour|Jade|Lion Rock|Pearl River|Victoria|Kowloon|Lantau|Nimbus|Vertex|Helix|"
    "Aurora|Cobalt|Photon|Neuron|Silica|Tidal|Orchid|Bauhinia|Peak|Tolo|Shing Mun|Sai Kung|Azure|"
    "Crimson|Golden|Silver|Nova|Zenith|Meridian|Lumen|Prism|Axon|Kite|Dragon|Phoenix|Summit|"
    "Starling|Egret|Mangrove|Typhoon|Monsoon|Bamboo|Granite|Coral|Sampan|Lotus|Cedar|Ember|Onyx"
)
NAME_SECOND = _words(
    "Harbour|Bay|Bridge|Circuit|Signal|Cell|Loop|Wave|Forge|Grid|Leaf|Arc|Stack|Pulse|Gene|"
    "Lattice|Orbit|Spark|Path|Point|Link|Field|Core|Sense|Mind|Logic|Bit|Flux|Beacon|Tide|Ridge|"
    "Vista|Compass|Anchor|Current|Thread|Lens|Root|Matrix|Cube|Isle|Gate|Quay|Crest"
)
NAME_SUFFIX = {
    "software-communications": _words("Technologies|Systems|Software|Networks|Labs|Cloud|Digital"),
    "ai-data-analytics": _words("AI|Analytics|Intelligence|Labs|Data|Vision"),
    "biotech": _words("Biosciences|Therapeutics|Genomics|Bio|Biologics|Life Sciences"),
    "electronic-sensors": _words(
        "Sensors|Semiconductor|Microsystems|Photonics|Electronics|Devices"
    ),
    "fintech": _words("Pay|Fintech|Ledger|Wealthtech|RegTech|Capital Technologies"),
    "robotics-automation": _words("Robotics|Automation|Dynamics|Machines|Mechatronics"),
    "healthtech": _words("Health|Medical|MedTech|Diagnostics|Care"),
    "smart-city": _words("Mobility|Urban Tech|Smart Systems|PropTech|Infrastructure"),
    "green-tech": _words("Energy|Cleantech|Carbon|Water Technologies|Renewables"),
    "materials-precision-engineering": _words(
        "Materials|Advanced Materials|Precision|Composites|Nanotech"
    ),
}
INNOHK_PREFIX = _words(
    "Centre for|Hong Kong Centre for|Laboratory for|Institute for|Research Centre for|"
    "Joint Laboratory for|Hong Kong Institute for"
)
INNOHK_TOPICS = {
    "ai-data-analytics": (
        _words(
            "Trustworthy|Embodied|Multimodal|Explainable|Federated|Neuromorphic|"
            "Human-Centred|Spatial|Generative|Cognitive|Quantum"
        ),
        _words(
            "Artificial Intelligence|Machine Learning|Data Analytics|Computer Vision|"
            "Language Intelligence|Computing|Decision Science|Perception"
        ),
    ),
    "robotics-automation": (
        _words(
            "Medical|Intelligent|Soft|Autonomous|Micro|Collaborative|Logistics|Surgical|"
            "Marine|Aerial"
        ),
        _words("Robotics|Automation|Systems|Manipulation|Mobility|Mechatronics|Machines"),
    ),
    "biotech": (
        _words(
            "Translational|Regenerative|Synthetic|Computational|Molecular|Structural|"
            "Infectious Disease|Chemical|Cellular|Marine"
        ),
        _words(
            "Immunology|Oncology|Medicine|Biology|Genomics|Neuroscience|Drug Discovery|"
            "Stem Cell Research|Vaccinology"
        ),
    ),
    "healthtech": (
        _words(
            "Cerebro-Cardiovascular|Digital|Precision|Eye and Vision|Geriatric|"
            "Rehabilitation|Ophthalmic|Population|Paediatric|Oral"
        ),
        _words(
            "Health Engineering|Health|Diagnostics|Medical Devices|Healthcare Innovation|"
            "Health Informatics"
        ),
    ),
}
SECTOR_PRODUCTS = {
    "software-communications": _words(
        "cloud-native platforms for logistics firms|private 5G networks for campuses and ports|"
        "developer tools for multilingual apps|secure messaging for enterprises|"
        "edge computing software for smart buildings|low-code tools for SMEs"
    ),
    "ai-data-analytics": _words(
        "computer vision for quality inspection|language models for Cantonese and English|"
        "demand forecasting for retailers|document AI for banks and insurers|"
        "video analytics for public transport|recommendation engines for e-commerce"
    ),
    "biotech": _words(
        "antibody therapeutics for solid tumours|mRNA vaccine platforms|"
        "microbiome-based therapies|gene editing tools for rare diseases|"
        "cell therapy manufacturing|AI-driven drug discovery"
    ),
    "electronic-sensors": _words(
        "MEMS sensors for wearables|LiDAR modules for robots and vehicles|"
        "gallium nitride power chips|photonic sensors for air quality|"
        "ultra-low-power IoT chips|flexible printed electronics"
    ),
    "fintech": _words(
        "cross-border payments for SMEs|regtech for anti-money-laundering checks|"
        "robo-advice for young investors|tokenised green bonds|"
        "credit scoring from alternative data|insurtech claims automation"
    ),
    "robotics-automation": _words(
        "autonomous mobile robots for warehouses|surgical robotics|"
        "cleaning robots for public spaces|robotic arms for food production|"
        "drones for building inspection|exoskeletons for rehabilitation"
    ),
    "healthtech": _words(
        "AI-assisted medical imaging|remote monitoring for elderly care|"
        "point-of-care diagnostics|digital therapeutics for mental health|"
        "smart hospital logistics|wearable ECG patches"
    ),
    "smart-city": _words(
        "traffic analytics for transport operators|digital twins of buildings|"
        "smart parking and kerbside management|IoT for property management|"
        "crowd safety analytics|construction site monitoring"
    ),
    "green-tech": _words(
        "battery recycling|carbon accounting software|solar glass and building-integrated PV|"
        "food waste to energy|water purification membranes|energy management for buildings"
    ),
    "materials-precision-engineering": _words(
        "graphene composites|precision optics|3D-printed metal parts|"
        "biodegradable packaging materials|nanocoatings for textiles|advanced ceramics"
    ),
}
TECH_ROLES = {
    "software-communications": (
        _words(
            "Software Engineer|Backend Engineer|Frontend Engineer|Full-Stack Developer|"
            "Mobile App Developer|DevOps Engineer|Site Reliability Engineer|Cloud Engineer|"
            "Network Engineer|Wireless Protocol Engineer|QA Automation Engineer|"
            "Security Engineer|Embedded Software Engineer|Solutions Architect"
        ),
        _words(
            "Payments Platform|Cloud Native|Kubernetes|5G Core|Edge Computing|Web|iOS|"
            "Android|Data Platform|Identity and Access|Observability|Open RAN|Developer "
            "Experience|Messaging"
        ),
        _words(
            "Python|Go|Java|TypeScript|React|Kubernetes|AWS|Linux|PostgreSQL|Kafka|gRPC|"
            "Rust|C++|Terraform|5G NR|Docker|Kotlin|Swift"
        ),
    ),
    "ai-data-analytics": (
        _words(
            "Machine Learning Engineer|Data Scientist|Data Engineer|MLOps Engineer|"
            "Computer Vision Engineer|NLP Engineer|AI Research Engineer|Data Analyst|"
            "Analytics Engineer|AI Product Manager"
        ),
        _words(
            "Computer Vision|Large Language Models|Recommender Systems|Time Series|"
            "Graph Learning|Speech|Document AI|Forecasting|Reinforcement Learning|"
            "Responsible AI|Multimodal Models|Geospatial Analytics"
        ),
        _words(
            "Python|PyTorch|TensorFlow|SQL|Spark|scikit-learn|Hugging Face|CUDA|Airflow|"
            "dbt|Kubernetes|statistics|OpenCV|LangChain|Tableau"
        ),
    ),
    "biotech": (
        _words(
            "Research Associate|Bioinformatician|Process Development Scientist|"
            "Assay Development Scientist|Laboratory Scientist|Quality Control Analyst|"
            "Clinical Research Associate|Regulatory Affairs Specialist|Bioprocess Engineer"
        ),
        _words(
            "Antibody Discovery|Cell Therapy|mRNA|Genomics|Proteomics|Microbiome|"
            "Vaccines|Gene Editing|Immuno-oncology|Drug Metabolism|Biomarkers|"
            "Single-cell Sequencing"
        ),
        _words(
            "cell culture|qPCR|flow cytometry|CRISPR|ELISA|NGS|R|Python|GMP|GLP|"
            "protein purification|HPLC|mass spectrometry|bioinformatics pipelines"
        ),
    ),
    "electronic-sensors": (
        _words(
            "Hardware Engineer|IC Design Engineer|Analog Circuit Designer|"
            "Firmware Engineer|RF Engineer|Optical Engineer|Test Engineer|"
            "MEMS Process Engineer|PCB Design Engineer|Product Engineer"
        ),
        _words(
            "MEMS|LiDAR|Power Electronics|GaN Devices|Image Sensors|IoT Modules|"
            "Mixed-Signal|Photonics|Wearables|Battery Management|Radar|Flexible Electronics"
        ),
        _words(
            "Verilog|SystemVerilog|Cadence|Altium|C|embedded Linux|RTOS|MATLAB|"
            "oscilloscopes|RF measurement|ARM Cortex-M|FPGA|Python|COMSOL"
        ),
    ),
    "fintech": (
        _words(
            "Quantitative Developer|Blockchain Engineer|Risk Data Analyst|"
            "Payments Engineer|Backend Engineer|Compliance Technology Analyst|"
            "Data Scientist|Smart Contract Engineer|Product Manager"
        ),
        _words(
            "Cross-border Payments|Virtual Banking|RegTech|Digital Assets|Credit Risk|"
            "Wealthtech|Insurtech|AML Analytics|Open APIs|Green Finance"
        ),
        _words(
            "Python|Java|Solidity|SQL|Kafka|Kotlin|AWS|risk modelling|KYC|ISO 20022|"
            "Spring Boot|React|pandas|Go"
        ),
    ),
    "robotics-automation": (
        _words(
            "Robotics Engineer|Mechanical Engineer|Control Systems Engineer|"
            "Perception Engineer|Motion Planning Engineer|Automation Engineer|"
            "Mechatronics Engineer|Field Application Engineer"
        ),
        _words(
            "Autonomous Navigation|Surgical Robotics|Manipulation|SLAM|Warehouse "
            "Automation|Drones|Exoskeletons|Human-Robot Interaction|Soft Robotics"
        ),
        _words(
            "ROS 2|C++|Python|SolidWorks|PLC|MATLAB|Simulink|SLAM|OpenCV|motor control|"
            "Gazebo|embedded C|PyTorch"
        ),
    ),
    "healthtech": (
        _words(
            "Biomedical Engineer|Medical Imaging Scientist|Health Data Analyst|"
            "Clinical Software Engineer|Medical Device Engineer|Digital Health Product "
            "Manager|Regulatory Engineer|Clinical Data Scientist"
        ),
        _words(
            "Medical Imaging|Remote Monitoring|Point-of-care Testing|Digital "
            "Therapeutics|Wearable ECG|Ophthalmology AI|Elderly Care|Rehabilitation"
        ),
        _words(
            "Python|DICOM|HL7 FHIR|ISO 13485|IEC 62304|C++|PyTorch|SQL|signal processing|"
            "usability engineering|MATLAB"
        ),
    ),
    "smart-city": (
        _words(
            "IoT Engineer|GIS Developer|Digital Twin Engineer|Data Engineer|"
            "Smart Building Engineer|Transport Data Analyst|Solutions Engineer|"
            "BIM Engineer"
        ),
        _words(
            "Digital Twins|Traffic Analytics|Smart Parking|Building Automation|"
            "Crowd Analytics|Construction Tech|Urban Sensing|Mobility Data"
        ),
        _words(
            "Python|MQTT|LoRaWAN|GIS|PostGIS|BIM|Revit|Unity|TypeScript|SQL|Node-RED|"
            "BACnet|Azure IoT"
        ),
    ),
    "green-tech": (
        _words(
            "Energy Engineer|Battery Engineer|Sustainability Data Analyst|"
            "Environmental Engineer|Process Engineer|Carbon Accounting Specialist|"
            "Power Systems Engineer|Water Treatment Engineer"
        ),
        _words(
            "Battery Recycling|Solar PV|Carbon Accounting|Building Energy|Waste to "
            "Energy|Membranes|Hydrogen|Smart Grids|ESG Data"
        ),
        _words(
            "Python|MATLAB|battery chemistry|life-cycle assessment|GHG Protocol|"
            "AutoCAD|process simulation|SCADA|power electronics|SQL"
        ),
    ),
    "materials-precision-engineering": (
        _words(
            "Materials Scientist|Process Engineer|Mechanical Design Engineer|"
            "Manufacturing Engineer|Quality Engineer|Optical Design Engineer|"
            "Additive Manufacturing Engineer|Characterisation Scientist"
        ),
        _words(
            "Graphene|Composites|Precision Optics|Metal 3D Printing|Nanocoatings|"
            "Advanced Ceramics|Biodegradable Polymers|Thin Films"
        ),
        _words(
            "SEM|XRD|FEA|SolidWorks|Zemax|CNC|DOE|six sigma|ANSYS|metrology|"
            "polymer processing|Python"
        ),
    ),
}
DOCTORATE_SPECS_SUFFIX = {"entry": "Postdoctoral Fellow", "middle": "Research Scientist"}
SENIOR_DOCTORATE = _words("Principal Scientist|Senior Research Scientist|Principal Investigator")
SUB_DEGREE_ROLES = _words(
    "Technician|Laboratory Technician|Technical Officer|Engineering Assistant|Field Engineer|"
    "Production Technician"
)
NON_TECH_ROLES = _words(
    "Business Development Executive|Marketing Executive|Operations Officer|"
    "Human Resources Officer|Finance Officer|Project Coordinator|Customer Success Manager|"
    "Product Marketing Manager|Administrative Officer|Procurement Officer|Account Manager|"
    "Legal and Compliance Officer|Grants and Partnerships Officer|Community Manager"
)
NON_TECH_SPECS = _words(
    "Greater Bay Area|APAC|Hong Kong|Partnerships|Events|Digital|Government Relations|"
    "Enterprise Clients|Europe|Southeast Asia"
)
NON_TECH_SKILLS = _words(
    "stakeholder management|Excel|CRM|written Chinese|English|Putonghua|Cantonese|"
    "project management|budgeting|presentation skills|HubSpot|event planning"
)
HK_BASES = {
    Programme.INNOHK: ["Hong Kong Science Park"],
    Programme.INNOPARK: ["Tai Po INNOPARK", "Tseung Kwan O INNOPARK", "Yuen Long INNOPARK"],
    Programme.SCIENCE_PARK: ["Hong Kong Science Park"],
    Programme.INNOCENTRE: ["InnoCentre, Kowloon Tong"],
    Programme.OTHER: ["Cyberport", "Kwun Tong", "Wong Chuk Hang", "Hong Kong Science Park"],
}
GBA_CITIES = _words(
    "Shenzhen (Nanshan)|Shenzhen (Hetao)|Guangzhou (Huangpu)|Dongguan (Songshan Lake)|"
    "Zhuhai (Hengqin)|Foshan|Macao"
)
OVERSEAS_CITIES = _words(
    "Singapore|London, UK|Cambridge, UK|Boston, USA|San Francisco, USA|Toronto, Canada|"
    "Munich, Germany|Tokyo, Japan|Seoul, South Korea|Sydney, Australia|Stockholm, Sweden|"
    "Zurich, Switzerland|Paris, France|Amsterdam, Netherlands"
)
TAGLINES = _words(
    "We build {product}.|Hiring engineers who want to ship {product}.|"
    "From Hong Kong to the world: {product}.|{product_cap}, made in Hong Kong.|"
    "Join the team behind {product}.|Research that leaves the lab: {product}."
)
SURNAMES_HK = _words(
    "Chan|Wong|Lee|Cheung|Lau|Ng|Leung|Ho|Lam|Chow|Tsang|Yip|Au|Kwok|Fung|Tam|Mak|Yeung|Tang|"
    "Choi|Lo|Poon|Siu|Chu|Ma|Hui|Kwan|So|Wu|Yuen"
)
GIVEN_HK = _words(
    "Ka Yan|Wing Yan|Tsz Ching|Chun Hei|Ho Yin|Hoi Lam|Cheuk Hin|Man Ki|Sze Wing|Ka Ho|Yan Ting|"
    "Wai Lun|Pui Yee|Chi Kit|Hiu Tung|Ming|Kelvin|Karen|Vincent|Winnie|Ivan|Michelle|Jason|"
    "Cherry|Marco|Natalie|Derek|Phoebe|Ryan|Joyce"
)
SURNAMES_CN = _words("Li|Wang|Zhang|Liu|Chen|Yang|Zhao|Huang|Zhou|Wu|Xu|Sun|Zhu|Lin|He|Guo|Luo")
GIVEN_CN = _words(
    "Wei|Fang|Min|Jing|Lei|Yang|Xin|Hao|Yu|Jie|Ting|Bo|Chen|Lin|Yifan|Zihan|Haoran|Xinyi|"
    "Ruoxi|Jiawei|Mingyu|Siyuan"
)
SURNAMES_INTL = _words(
    "Smith|Patel|Kim|Nguyen|Tanaka|Müller|Rossi|Silva|Kowalski|Johansson|Sharma|Garcia|"
    "Dubois|Okafor|Ahmed|Santos|Cohen|Park|Singh|Fernandes"
)
GIVEN_INTL = _words(
    "Priya|Lucas|Emma|Arjun|Sofia|Daniel|Aisha|Mateo|Hannah|Kenji|Olivia|Noah|Mei|Ravi|Clara|"
    "Tom|Leila|Jonas|Sara|Minh"
)
INSTITUTIONS = {
    "hk": _words(
        "The University of Hong Kong|The Chinese University of Hong Kong|"
        "The Hong Kong University of Science and Technology|"
        "The Hong Kong Polytechnic University|City University of Hong Kong|"
        "Hong Kong Baptist University|Lingnan University|The Education University of Hong Kong|"
        "Hong Kong Metropolitan University|Vocational Training Council"
    ),
    "gba": _words(
        "Tsinghua University|Sun Yat-sen University|Southern University of Science and "
        "Technology|Shenzhen University|South China University of Technology|Jinan University|"
        "University of Macau|Peking University"
    ),
    "overseas": _words(
        "Imperial College London|University of Toronto|National University of Singapore|"
        "University of Melbourne|Technical University of Munich|University of Cambridge|"
        "Georgia Institute of Technology|KAIST|University of Tokyo|ETH Zurich|"
        "University of Edinburgh|University of Waterloo"
    ),
}
FIELDS_OF_STUDY = {
    "software-communications": "Computer Science|Information Engineering|Computer Engineering",
    "ai-data-analytics": "Data Science|Statistics|Computer Science|Mathematics",
    "biotech": "Biochemistry|Biomedical Sciences|Molecular Biology|Pharmacy",
    "electronic-sensors": "Electronic Engineering|Electrical Engineering|Physics",
    "fintech": "Quantitative Finance|Financial Engineering|Economics|Computer Science",
    "robotics-automation": "Mechanical Engineering|Mechatronics|Automation",
    "healthtech": "Biomedical Engineering|Health Informatics|Nursing",
    "smart-city": "Civil Engineering|Geography and GIS|Urban Planning|Computer Science",
    "green-tech": "Environmental Engineering|Chemical Engineering|Energy Engineering",
    "materials-precision-engineering": "Materials Science|Mechanical Engineering|Chemistry",
}
CITIES = {
    "hk": ["Hong Kong"],
    "gba": ["Shenzhen", "Guangzhou", "Dongguan", "Zhuhai", "Foshan", "Macao"],
    "overseas": [
        ("London", "United Kingdom"),
        ("Toronto", "Canada"),
        ("Singapore", "Singapore"),
        ("Sydney", "Australia"),
        ("Munich", "Germany"),
        ("Bangalore", "India"),
        ("Kuala Lumpur", "Malaysia"),
        ("Boston", "United States"),
        ("Paris", "France"),
    ],
}
TRACK_EVENTS = {
    "deep-tech-training": [
        ("Quantum computing for engineers: a hands-on primer", True),
        ("Edge AI on microcontrollers", True),
        ("Lab automation for synthetic biology", True),
        ("From sensor to cloud: building an IoT data pipeline", True),
        ("Computer vision in the wet lab", False),
        ("ROS 2 bootcamp: your first mobile robot", True),
        ("Fine-tuning language models on a budget", True),
        ("Chip design flow: from RTL to tape-out", True),
        ("Medical device regulation for engineers", False),
        ("Data engineering with open-source tools", True),
    ],
    "innovative-thinking": [
        ("Design thinking sprint", False),
        ("From lab to market: customer discovery for researchers", True),
        ("Pitch clinic: ten slides that work", False),
        ("Intellectual property basics for founders", False),
        ("Storytelling with data", True),
        ("Working in cross-border teams across the Greater Bay Area", False),
        ("Idea pitching competition: heats", False),
        ("Idea pitching competition: final", False),
    ],
    "upskilling-fintech": [
        ("Fintech foundations: payments, wealthtech and regtech", True),
        ("Virtual banking in Hong Kong", True),
        ("Blockchain and tokenisation: what employers look for", True),
        ("RegTech and anti-money-laundering analytics", True),
        ("Data for green and sustainable finance", False),
        ("Cybersecurity for financial services", True),
        ("Open APIs and the Commercial Data Interchange", False),
        ("Careers in insurtech", False),
    ],
}
# (track slug, start hour, start minute, minutes)
TRACK_SLOTS = {
    "deep-tech-training": (14, 0, 120),
    "innovative-thinking": (19, 0, 90),
    "upskilling-fintech": (12, 30, 60),
}
PRESENTATION_TITLES = _words(
    "Life at {company}: meet the team|The graduate programme at {company}, explained|"
    "Inside our {sector} lab|How we hire at {company}: the interview process|"
    "Internships and placements at {company}|From PhD to industry at {company}|"
    "What we are building in {sector}|Ask our engineers anything"
)
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
COVER_NOTES = _words(
    "I would love to bring my research experience to your team.|"
    "I met your recruiters at the booth chat and I am very interested in this role.|"
    "My final-year project was in this area; my CV has the details.|"
    "I am relocating to Hong Kong and can start within a month.|"
    "I am currently in Shenzhen and happy to work across the Greater Bay Area."
)


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
    return "\n\n".join(paragraphs)


# --- Clock ---------------------------------------------------------------------------------
class Clock:
    """Places the plan in time: the expo opened two days ago at 10:00 Hong Kong time."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.tz = zoneinfo.ZoneInfo(TIME_ZONE)
        self.day0 = self.now.astimezone(self.tz).date() - dt.timedelta(days=2)
        self.starts_at = self.at(0, 10)
        self.ends_at = self.at(EXPO_DAYS, 18)
        # Sessions around the moment of seeding start on the quarter hour.
        self.t0 = self.now.replace(
            minute=self.now.minute - self.now.minute % 15, second=0, microsecond=0
        )

    def at(self, day, hour, minute=0):
        local = dt.datetime.combine(
            self.day0 + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=self.tz
        )
        return local.astimezone(dt.UTC)

    def hours(self, offset):
        """A moment `offset` hours after the opening (None stays None)."""
        return None if offset is None else self.starts_at + dt.timedelta(hours=offset)

    def session_times(self, session):
        if session.start[0] == "now":
            starts = self.t0 + dt.timedelta(minutes=session.start[1])
        else:
            _, day, hour, minute = session.start
            starts = self.at(day, hour, minute)
        return starts, starts + dt.timedelta(minutes=session.minutes)


# --- Writing -------------------------------------------------------------------------------
@dataclass
class SeedResult:
    edition: object
    scale: int
    created: dict = field(default_factory=dict)
    shifted_by: dt.timedelta | None = None
    seconds: float = 0.0


def _bulk(model, objects, batch_size=BATCH_SIZE):
    for start in range(0, len(objects), batch_size):
        model.objects.bulk_create(objects[start : start + batch_size], batch_size=batch_size)
    return len(objects)


class _Writer:
    def __init__(self, plan, clock, log):
        self.plan, self.clock, self.log = plan, clock, log
        self.started = time.monotonic()
        self.result = None

    def step(self, label, created, existing):
        self.result.created[label] = created
        self.log(
            f"  {label:<16} {created:>7} created, {existing:>7} already there  "
            f"({time.monotonic() - self.started:5.1f} s)"
        )

    def run(self):
        from expo.models import ExpoEdition

        clock = self.clock
        edition = ExpoEdition.objects.filter(slug=EDITION_SLUG).first()
        shift = None
        if edition is None:
            edition = ExpoEdition(
                name=EDITION_NAME,
                slug=EDITION_SLUG,
                organiser=ORGANISER,
                tagline="Hong Kong's innovation and technology jobs, all in one place",
                time_zone=TIME_ZONE,
                starts_at=clock.starts_at,
                ends_at=clock.ends_at,
            )
        elif edition.starts_at != clock.starts_at:
            shift = clock.starts_at - edition.starts_at
        ExpoEdition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
        edition.starts_at, edition.ends_at, edition.is_current = (
            clock.starts_at,
            clock.ends_at,
            True,
        )
        if edition.pk is None:
            edition.save()
        else:
            edition.save(update_fields=["starts_at", "ends_at", "is_current"])
        self.edition = edition
        self.result = SeedResult(edition=edition, scale=self.plan.scale, shifted_by=shift)
        self.log(
            f"  edition          {edition.name}, "
            f"{edition.starts_at.astimezone(clock.tz):%d %b %H:%M} to "
            f"{edition.ends_at.astimezone(clock.tz):%d %b %H:%M} Hong Kong time"
        )
        if shift:
            self._shift(shift)
        self._sectors()
        self._companies()
        self._booths()
        self._jobs()
        self._people()
        self._tracks()
        self._sessions()
        self._registrations()
        self._applications()
        self.result.seconds = time.monotonic() - self.started
        return self.result

    def _shift(self, delta):
        """Move every dated row of the edition by the days the opening moved."""
        from booths.models import Booth
        from expo.schedule.models import Registration, Session
        from jobs.models import Application, Job

        e = self.edition
        Job.objects.filter(edition=e).update(
            published_at=F("published_at") + delta, deadline=F("deadline") + delta
        )
        Booth.objects.filter(edition=e).update(
            submitted_at=F("submitted_at") + delta, reviewed_at=F("reviewed_at") + delta
        )
        Session.objects.filter(edition=e).update(
            starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
        )
        Registration.objects.filter(session__edition=e).update(created_at=F("created_at") + delta)
        Application.objects.filter(job__edition=e).update(created_at=F("created_at") + delta)
        self.log(f"  moved the edition's dates by {delta.days} days")

    def _sectors(self):
        from booths.models import Sector

        existing = {s.slug: s for s in Sector.objects.all()}
        by_name = {s.name: s for s in existing.values()}
        missing = [
            Sector(name=name, slug=slug, hall=hall, position=position)
            for position, (slug, (name, hall, _)) in enumerate(SECTORS.items(), start=1)
            if slug not in existing and name not in by_name
        ]
        _bulk(Sector, missing)
        self.sectors = {}
        for s in Sector.objects.all():
            self.sectors[s.slug] = s.pk
        for slug, (name, _, _) in SECTORS.items():
            if slug not in self.sectors:
                self.sectors[slug] = by_name[name].pk
        self.step("sectors", len(missing), len(SECTORS) - len(missing))

    def _companies(self):
        from booths.models import Company

        existing = dict(Company.objects.values_list("slug", "pk"))
        missing = [
            Company(
                name=c.name,
                slug=c.slug,
                programme=c.programme,
                sector_id=self.sectors[c.sector],
                website=c.website,
                headquarters=c.headquarters,
                has_gba_or_overseas_office=c.has_office_abroad,
            )
            for c in self.plan.companies
            if c.slug not in existing
        ]
        _bulk(Company, missing)
        self.company_ids = dict(Company.objects.values_list("slug", "pk"))
        self.step("companies", len(missing), len(self.plan.companies) - len(missing))

    def _booths(self):
        from booths.models import Booth

        clock = self.clock
        existing = set(
            Booth.objects.filter(edition=self.edition).values_list("company_id", flat=True)
        )
        missing = []
        for c in self.plan.companies:
            company_id = self.company_ids[c.slug]
            if company_id in existing:
                continue
            rng = random.Random(c.text_seed)
            booth = Booth(
                edition=self.edition,
                company_id=company_id,
                status=c.booth_status,
                tagline=booth_tagline(c),
                description=booth_description(c),
            )
            if c.booth_status == "approved":
                booth.submitted_at = clock.hours(-24 * rng.uniform(10, 40))
                booth.reviewed_at = booth.submitted_at + dt.timedelta(hours=rng.uniform(4, 72))
            elif c.booth_status in ("submitted", "rejected"):
                booth.submitted_at = clock.hours(rng.uniform(1, 30))
            if c.booth_status == "rejected":
                booth.reviewed_at = booth.submitted_at + dt.timedelta(hours=2)
                booth.review_note = (
                    "Please describe your graduate programme and replace the "
                    "placeholder tagline before we publish the booth."
                )
            missing.append(booth)
        _bulk(Booth, missing)
        self.step("booths", len(missing), len(self.plan.companies) - len(missing))

    def _jobs(self):
        from jobs.models import Job

        clock = self.clock
        existing = set(Job.objects.filter(edition=self.edition).values_list("company_id", "title"))
        buffer, created = [], 0
        for job in self.plan.jobs:
            company = self.plan.companies[job.company]
            company_id = self.company_ids[company.slug]
            if (company_id, job.title) in existing:
                continue
            status = "published" if job.status == "expired" else job.status
            low, high = job.salary or (None, None)
            buffer.append(
                Job(
                    edition=self.edition,
                    company_id=company_id,
                    title=job.title,
                    description=job_description(job, company),
                    skills=job.skills,
                    sector_id=self.sectors[job.sector],
                    is_tech_rd=job.is_tech_rd,
                    level=job.level,
                    min_education=job.education,
                    employment_type=job.employment_type,
                    location=job.location,
                    open_to_overseas=job.open_to_overseas,
                    open_to_gba=job.open_to_gba,
                    salary_min=low,
                    salary_max=high,
                    deadline=clock.hours(job.deadline_hours),
                    status=status,
                    published_at=clock.hours(job.published_hours),
                )
            )
            if len(buffer) >= BATCH_SIZE * 5:
                created += _bulk(Job, buffer)
                buffer = []
        created += _bulk(Job, buffer)
        self.step("jobs", created, len(self.plan.jobs) - created)

    def _people(self):
        from allauth.account.models import EmailAddress

        from accounts.models import TalentProfile, User
        from booths.models import Membership

        plan, clock = self.plan, self.clock
        existing = dict(User.objects.values_list("email", "pk"))
        password = make_password(DEMO_PASSWORD)
        missing = [
            User(
                email=p.email,
                full_name=p.full_name,
                password=password,
                is_staff=p.is_staff,
                is_superuser=p.is_superuser,
                date_joined=clock.hours(-24 * p.joined_days),
            )
            for p in plan.people
            if p.email not in existing
        ]
        _bulk(User, missing)
        self.step("users", len(missing), len(plan.people) - len(missing))
        self.user_ids = users = dict(User.objects.values_list("email", "pk"))
        # The demo logins always work with the demo password, whatever happened since.
        demo_ids = [users[email] for email in DEMO_ACCOUNTS.values()]
        User.objects.filter(pk__in=demo_ids).update(password=password, is_active=True)
        User.objects.filter(email=DEMO_ACCOUNTS["organiser"]).update(
            is_staff=True, is_superuser=True
        )

        # allauth blocks logins until the address is verified.
        addresses = set(EmailAddress.objects.values_list("user_id", flat=True))
        missing = [
            EmailAddress(user_id=users[p.email], email=p.email, verified=True, primary=True)
            for p in plan.people
            if users[p.email] not in addresses
        ]
        _bulk(EmailAddress, missing)
        for email in DEMO_ACCOUNTS.values():
            EmailAddress.objects.filter(user_id=users[email], email__iexact=email).update(
                verified=True
            )
            if not EmailAddress.objects.filter(user_id=users[email], primary=True).exists():
                EmailAddress.objects.filter(user_id=users[email], email__iexact=email).update(
                    primary=True
                )
        self.step("email addresses", len(missing), len(plan.people) - len(missing))

        with_profile = set(TalentProfile.objects.values_list("user_id", flat=True))
        talent = [p for p in plan.people if p.profile]
        new = [p for p in talent if users[p.email] not in with_profile]
        profiles = []
        for p in new:
            fields = {k: v for k, v in p.profile.items() if k != "sectors"}
            profiles.append(TalentProfile(user_id=users[p.email], **fields))
        _bulk(TalentProfile, profiles)
        profile_ids = dict(TalentProfile.objects.values_list("user_id", "pk")) if new else {}
        through = TalentProfile.sectors.through
        links = [
            through(talentprofile_id=profile_ids[users[p.email]], sector_id=self.sectors[slug])
            for p in new
            for slug in p.profile["sectors"]
        ]
        _bulk(through, links)
        self.step("talent profiles", len(new), len(talent) - len(new))

        with_company = set(Membership.objects.values_list("user_id", flat=True))
        staff = [p for p in plan.people if p.company is not None]
        missing = [
            Membership(
                user_id=users[p.email],
                role=p.role,
                company_id=self.company_ids[plan.companies[p.company].slug],
            )
            for p in staff
            if users[p.email] not in with_company
        ]
        _bulk(Membership, missing)
        self.step("memberships", len(missing), len(staff) - len(missing))

    def _tracks(self):
        from expo.models import Track

        existing = set(Track.objects.filter(edition=self.edition).values_list("slug", flat=True))
        missing = [
            Track(
                edition=self.edition,
                slug=slug,
                name=name,
                description=description,
                position=position,
            )
            for position, (slug, name, description) in enumerate(TRACKS, start=1)
            if slug not in existing
        ]
        _bulk(Track, missing)
        self.tracks = dict(Track.objects.filter(edition=self.edition).values_list("slug", "pk"))
        self.step("tracks", len(missing), len(TRACKS) - len(missing))

    def _session_key(self, session):
        booth = None
        if session.company is not None:
            booth = self.booths[self.company_ids[self.plan.companies[session.company].slug]]
        return (self.tracks.get(session.track), booth, session.title)

    def _sessions(self):
        from booths.models import Booth
        from expo.schedule.models import Session

        clock = self.clock
        self.booths = dict(
            Booth.objects.filter(edition=self.edition).values_list("company_id", "pk")
        )
        existing = {
            (s.track_id, s.host_booth_id, s.title): s
            for s in Session.objects.filter(edition=self.edition)
        }
        missing, retimed = [], []
        for session in self.plan.sessions:
            starts, ends = clock.session_times(session)
            recording = (
                f"https://stream.example.org/recordings/{slugify(session.title)[:80]}"
                if ends < clock.now
                else ""
            )
            key = self._session_key(session)
            row = existing.get(key)
            if row is None:
                missing.append(
                    Session(
                        edition=self.edition,
                        kind=session.kind,
                        track_id=key[0],
                        host_booth_id=key[1],
                        title=session.title,
                        description=session.description,
                        speakers=session.speakers,
                        starts_at=starts,
                        ends_at=ends,
                        capacity=session.capacity,
                        stream_url=f"https://stream.example.org/live/{slugify(session.title)[:80]}",
                        recording_url=recording,
                        certificate_bearing=session.certificate_bearing,
                    )
                )
            elif (row.starts_at, row.ends_at, row.recording_url) != (starts, ends, recording):
                row.starts_at, row.ends_at, row.recording_url = starts, ends, recording
                retimed.append(row)
        _bulk(Session, missing)
        Session.objects.bulk_update(
            retimed, ["starts_at", "ends_at", "recording_url"], batch_size=200
        )
        self.session_ids = {
            key: s.pk
            for key, s in (
                ((s.track_id, s.host_booth_id, s.title), s)
                for s in Session.objects.filter(edition=self.edition).only(
                    "pk", "track_id", "host_booth_id", "title"
                )
            )
        }
        self.step("sessions", len(missing), len(self.plan.sessions) - len(missing))
        if retimed:
            self.log(f"  re-timed {len(retimed)} sessions around now")

    def _dated(self, model, rows):
        """bulk_create ignores created_at (auto_now_add): date the new rows in a few updates."""
        buckets = defaultdict(list)
        for pk, hours in rows:
            buckets[round(hours)].append(pk)
        for hours, pks in buckets.items():
            for start in range(0, len(pks), 500):
                model.objects.filter(pk__in=pks[start : start + 500]).update(
                    created_at=self.clock.hours(hours)
                )

    def _registrations(self):
        from expo.schedule.models import Registration

        plan = self.plan
        existing = set(
            Registration.objects.filter(session__edition=self.edition).values_list(
                "session_id", "user_id"
            )
        )
        session_pk = [self.session_ids[self._session_key(s)] for s in plan.sessions]
        new, hours = [], {}
        for si, email, status, offset in plan.registrations:
            key = (session_pk[si], self.user_ids[email])
            if key in existing:
                continue
            existing.add(key)
            hours[key] = offset
            new.append(Registration(session_id=key[0], user_id=key[1], status=status))
        _bulk(Registration, new)
        if new:
            rows = Registration.objects.filter(session__edition=self.edition).values_list(
                "pk", "session_id", "user_id"
            )
            self._dated(Registration, [(pk, hours[(s, u)]) for pk, s, u in rows if (s, u) in hours])
        self.step("registrations", len(new), len(plan.registrations) - len(new))

    def _applications(self):
        from jobs.models import Application, Job

        plan = self.plan
        job_ids = {
            (c, t): pk
            for pk, c, t in Job.objects.filter(edition=self.edition).values_list(
                "pk", "company_id", "title"
            )
        }
        existing = set(
            Application.objects.filter(job__edition=self.edition).values_list("job_id", "talent_id")
        )
        new, hours = [], {}
        for j, email, status, note, offset in plan.applications:
            job = plan.jobs[j]
            key = (
                job_ids[(self.company_ids[plan.companies[job.company].slug], job.title)],
                self.user_ids[email],
            )
            if key in existing:
                continue
            existing.add(key)
            hours[key] = offset
            new.append(Application(job_id=key[0], talent_id=key[1], status=status, cover_note=note))
        _bulk(Application, new)
        if new:
            rows = Application.objects.filter(job__edition=self.edition).values_list(
                "pk", "job_id", "talent_id"
            )
            self._dated(Application, [(pk, hours[(j, t)]) for pk, j, t in rows if (j, t) in hours])
        self.step("applications", len(new), len(plan.applications) - len(new))


def analyze():
    """Refresh PostgreSQL's planner statistics for the seeded tables.

    After a bulk load the statistics describe empty tables until autovacuum comes round, and
    the planner picks bad plans for the key figures meanwhile (about 3x slower at 100,000
    jobs). Call outside the seeding transaction. A no-op on other databases.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from allauth.account.models import EmailAddress

    from accounts.models import TalentProfile, User
    from booths.models import Booth, Company, Membership, Sector
    from expo.models import ExpoEdition, Track
    from expo.schedule.models import Registration, Session
    from jobs.models import Application, Job

    models = [
        Sector,
        Company,
        Booth,
        Job,
        User,
        EmailAddress,
        TalentProfile,
        TalentProfile.sectors.through,
        Membership,
        ExpoEdition,
        Track,
        Session,
        Registration,
        Application,
    ]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def seed(scale=1, now=None, log=None) -> SeedResult:
    """Create or refresh the demo expo (see the module docstring). One transaction."""
    log = log or (lambda message: None)
    started = time.monotonic()
    plan = build_plan(scale)
    log(
        f"  plan             {len(plan.companies)} companies, {len(plan.jobs)} jobs, "
        f"{len(plan.people)} people, {len(plan.sessions)} sessions "
        f"({time.monotonic() - started:5.1f} s)"
    )
    with transaction.atomic():
        result = _Writer(plan, Clock(now), log).run()
    result.seconds = time.monotonic() - started
    return result
