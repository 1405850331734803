"""Demo calls and applications (seed_demo). Idempotent: twice = the same rows.

Two waves: the first shaped like the real call (opened Monday 21 July 2025 at
10:00 Paris, closed 30 September 2025 at 23:59, examined in October, results
on 24 October 2025), the second open when the command runs (opened 20 days ago,
closing in 25 days). About thirty applications from the sample projects of the
programme, across every state, with teams, requested datasets, a pitch deck,
frozen submissions and a dated history.
"""

import datetime
import functools
import hashlib
import json
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from datasets.models import Dataset
from portal.audit.models import AuditEvent
from portal.typography import french_typography

from .backoffice_forms import DEFAULT_GRID
from .enums import (
    ApplicantType,
    ApplicationState,
    EmailStatus,
    Granularity,
    Maturity,
    QuestionKind,
    TeamRole,
    Theme,
)
from .jury.models import JuryMembership
from .jury.services.grid import create_first_grid
from .models import (
    Application,
    Attachment,
    Call,
    DataCharter,
    EmailTemplate,
    ExtraQuestion,
    RequestedDataset,
    SentEmail,
    Submission,
    TeamMember,
)

PARIS = ZoneInfo("Europe/Paris")
S = ApplicationState
T = Theme
A = ApplicantType
G = Granularity

DATASET_SLUGS = [
    "pedestrian-flows",
    "vehicle-counts",
    "parking-occupancy",
    "sound-levels",
    "light-dimming",
]

CHARTER_FR = """# Charte d'utilisation des données OpenBatignolles (v1.0)

1. **Aucune réidentification.** Je n'essaie pas d'identifier une personne, un
   véhicule ou un appareil, ni de reconstituer des trajets d'un capteur à l'autre.
2. **Minimisation.** Je ne demande que les données et la finesse utiles à mon
   service, et je l'explique.
3. **Transparence.** J'explique aux habitants ce que fait mon service, avec les
   fiches DTPR des capteurs, et comment me joindre.
4. **Pas de revente** des données brutes ; les services construits restent
   libres d'accès pour les habitants pendant l'expérimentation.
5. **Sobriété numérique et inclusion** : un service léger, accessible (RGAA).
6. **Révocation.** Un manquement à la charte entraîne la révocation des clés
   d'accès à l'API.
"""

CHARTER_EN = """# OpenBatignolles data charter (v1.0)

1. **No re-identification.** I do not try to identify a person, a vehicle or a
   device, nor rebuild trips from one sensor to another.
2. **Minimisation.** I only ask for the data and the granularity my service
   needs, and I say why.
3. **Transparency.** I explain to residents what my service does, with the
   sensors' DTPR sheets, and how to reach me.
4. **No resale** of the raw data; the services built stay free for residents
   during the experiment.
5. **Digital sobriety and inclusion**: a light, accessible service.
6. **Revocation.** A breach of the charter revokes the API keys.
"""

CALL_TEXT_FR = """## Le contexte

La Mairie du 17e a équipé **26 rues des Batignolles de 160 capteurs**, installés
pour la plupart sur les candélabres LED rénovés, pour une expérimentation de
cinq ans. Les capteurs comptent et mesurent sur place : **aucun son et aucune
image ne sont enregistrés**, seuls des agrégats anonymes sont transmis.

## Ce que nous cherchons

Des usages **innovants, responsables et collaboratifs** des données ouvertes :
mobilité, tranquillité publique (bruit), gestion de l'énergie, propreté,
analyse des flux piétons, occupation du stationnement.

## Qui peut candidater

Start-up, entreprises, associations, écoles, laboratoires de recherche et
collectifs citoyens, pour un projet qui vise le périmètre des Batignolles et
utilise au moins un jeu de données OpenBatignolles.

## Le calendrier

Les équipes retenues participent aux **ateliers de co-construction** de
l'automne, puis présentent leurs résultats au **DemoDay**.
"""

CALL_TEXT_EN = """## Context

The Mairie du 17e has fitted **26 streets of Batignolles with 160 sensors**,
mostly on renewed LED street-light poles, for a five-year experiment. Sensors
count and measure on the device: **no sound and no image is ever recorded**,
only anonymous aggregates are sent.

## What we are looking for

**Innovative, responsible and collaborative** uses of the open data: mobility,
public tranquillity (noise), energy management, cleanliness, pedestrian flows,
parking occupancy.

## Who may apply

Start-ups, companies, associations, schools, research labs and citizen
collectives, for a project targeting the Batignolles perimeter and using at
least one OpenBatignolles dataset.

## Timeline

Retained teams join the autumn **co-construction workshops**, then present
their results at the **DemoDay**.
"""

FAQ_FR = """### Faut-il une structure juridique ?

Non : un collectif citoyen peut candidater sans SIRET.

### Les données sont-elles gratuites ?

Oui. Une clé d'API permet un usage équitable et l'accès à une finesse
supérieure après signature de la charte.
"""

FAQ_EN = """### Do we need a legal entity?

No: a citizen collective may apply without a SIRET.

### Is the data free?

Yes. An API key gives fair use and, once the charter is signed, finer data.
"""

# The sample projects of the programme (fictional holders).
PROJECTS = [
    {
        "key": "livraisons",
        "title": "Places de livraison disponibles en temps réel",
        "organisation": "Quai Libre SAS",
        "type": A.STARTUP,
        "siret": "73282932000074",
        "website": "https://quai-libre.example.org",
        "themes": [T.PARKING, T.MOBILITY],
        "summary": (
            "Indiquer aux livreurs, avant d'arriver, les aires de livraison "
            "libres des Batignolles pour réduire la double file."
        ),
        "problem": (
            "Les aires de livraison de la rue des Batignolles et de la rue "
            "Legendre sont occupées dès 8 h ; les livreurs stationnent en "
            "double file, ce qui gêne bus, vélos et piétons."
        ),
        "service": (
            "Une carte et une API indiquant l'occupation prévue de chaque aire "
            "de livraison par quart d'heure, avec une alerte quand une aire se "
            "libère sur la tournée."
        ),
        "targets": "Livreurs, transporteurs, commerçants, habitants.",
        "datasets": [
            ("parking-occupancy", "Occupation des aires de livraison", G.QUARTER_HOUR),
            ("vehicle-counts", "Part des utilitaires par heure", G.HOUR),
        ],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Prévision simple (moyennes par jour et heure), expliquée dans l'app.",
        "indicators": ["Minutes de double file observées", "Taux d'aires libres"],
    },
    {
        "key": "pmr",
        "title": "Trouver une place PMR libre près de chez soi",
        "organisation": "Association Rues Pour Tous",
        "type": A.ASSOCIATION,
        "siret": "",
        "website": "https://ruespourtous.example.org",
        "themes": [T.PARKING, T.MOBILITY],
        "summary": (
            "Un service vocal et accessible qui signale les places GIG-GIC "
            "libres aux personnes à mobilité réduite."
        ),
        "problem": (
            "Les personnes handicapées tournent longtemps pour trouver une "
            "place GIG-GIC libre, souvent occupée sans droit."
        ),
        "service": (
            "Une page accessible (RGAA) et un serveur vocal donnant les places "
            "PMR libres autour d'une adresse."
        ),
        "targets": "Personnes à mobilité réduite et leurs aidants.",
        "datasets": [
            ("parking-occupancy", "Occupation des places PMR", G.QUARTER_HOUR),
        ],
        "maturity": Maturity.IDEA,
        "ai": "Aucune IA.",
        "indicators": ["Temps moyen pour trouver une place", "Usagers réguliers"],
    },
    {
        "key": "barometre",
        "title": "Baromètre du bruit nocturne rue par rue",
        "organisation": "Les Riverains des Dames",
        "type": A.CITIZEN_COLLECTIVE,
        "siret": "",
        "website": "",
        "themes": [T.TRANQUILLITY],
        "summary": (
            "Un baromètre mensuel du bruit la nuit, rue par rue, construit avec "
            "les riverains et une école d'acoustique."
        ),
        "problem": (
            "Les soirées des rues de bars (rue des Dames, rue Lemercier) "
            "réveillent les riverains ; le dialogue avec les établissements "
            "manque de faits partagés."
        ),
        "service": (
            "Un baromètre public (LAeq et événements au-dessus de 70 dB(A) "
            "entre 22 h et 6 h), discuté chaque mois en conseil de quartier."
        ),
        "targets": "Riverains, établissements de nuit, conseil de quartier.",
        "datasets": [
            ("sound-levels", "Niveaux et événements sonores la nuit", G.HOUR),
            ("pedestrian-flows", "Fréquentation en soirée", G.HOUR),
        ],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Aucune IA.",
        "indicators": ["Nuits au-dessus de 55 dB(A)", "Plaintes pour bruit"],
    },
    {
        "key": "eclairage",
        "title": "Éclairage adaptatif et corridors sombres pour la biodiversité",
        "organisation": "Laboratoire Lumière et Ville",
        "type": A.RESEARCH_LAB,
        "siret": "19751719900015",
        "website": "https://lumiere-ville.example.org",
        "themes": [T.ENERGY],
        "summary": (
            "Tester une gradation plus fine de l'éclairage selon la présence "
            "réelle, et des corridors sombres pour la faune du square."
        ),
        "problem": (
            "L'éclairage nocturne consomme et gêne la faune du square des "
            "Batignolles, alors que certaines rues sont vides entre 1 h et 5 h."
        ),
        "service": (
            "Des scénarios de gradation simulés puis testés avec Cielis, et un "
            "tableau de bord énergie ouvert aux habitants."
        ),
        "targets": "Mairie, exploitant de l'éclairage, habitants, naturalistes.",
        "datasets": [
            ("light-dimming", "Gradation et énergie par groupe", G.QUARTER_HOUR),
            ("pedestrian-flows", "Présence nocturne", G.HOUR),
            ("vehicle-counts", "Trafic nocturne", G.HOUR),
        ],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Un modèle de prévision de présence, documenté et explicable.",
        "indicators": ["kWh économisés par mois", "Heures de corridor sombre"],
    },
    {
        "key": "commerces",
        "title": "Tableau de bord de fréquentation pour les commerçants",
        "organisation": "Flâneries Data",
        "type": A.STARTUP,
        "siret": "83014547200019",
        "website": "https://flaneries.example.org",
        "themes": [T.PEDESTRIAN_FLOWS],
        "summary": (
            "Avec la CCI, un tableau de bord simple de la fréquentation piétonne "
            "pour adapter horaires et animations commerciales."
        ),
        "problem": (
            "Les commerçants de la rue des Moines et de la rue Legendre ne "
            "savent pas quand leurs rues sont fréquentées."
        ),
        "service": (
            "Un tableau de bord par rue (heures, jours de marché, vacances) et "
            "une lettre mensuelle envoyée par la CCI."
        ),
        "targets": "Commerçants, association de commerçants, CCI.",
        "datasets": [
            ("pedestrian-flows", "Passages par rue et par heure", G.HOUR),
        ],
        "maturity": Maturity.PRODUCT,
        "ai": "Aucune IA.",
        "indicators": ["Commerçants abonnés", "Animations ajustées"],
    },
    {
        "key": "proprete",
        "title": "Nettoyage prédictif des rues après les pics de fréquentation",
        "organisation": "Clairval Services",
        "type": A.COMPANY,
        "siret": "55210055400013",
        "website": "https://clairval.example.org",
        "themes": [T.CLEANLINESS, T.PEDESTRIAN_FLOWS],
        "summary": (
            "Planifier le passage des équipes de propreté après les pics de "
            "fréquentation et les soirées bruyantes."
        ),
        "problem": (
            "Après le marché et les soirées, certaines rues restent sales "
            "jusqu'au passage suivant des équipes."
        ),
        "service": (
            "Des recommandations de tournées par jour, à partir des flux "
            "piétons et des événements sonores de la veille."
        ),
        "targets": "Services de propreté, habitants.",
        "datasets": [
            ("pedestrian-flows", "Pics de fréquentation", G.HOUR),
            ("sound-levels", "Soirées animées", G.DAY),
        ],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Un modèle de régression simple, avec ses variables publiées.",
        "indicators": ["Signalements DansMaRue", "Passages de propreté ciblés"],
    },
    {
        "key": "calme",
        "title": "Itinéraires calmes pour marcher dans le quartier",
        "organisation": "École d'ingénieurs de Paris, projet étudiant",
        "type": A.SCHOOL,
        "siret": "",
        "website": "",
        "themes": [T.TRANQUILLITY, T.PEDESTRIAN_FLOWS],
        "summary": (
            "Une application web qui propose l'itinéraire le plus calme et le "
            "moins encombré entre deux adresses."
        ),
        "problem": (
            "Les personnes sensibles au bruit évitent certaines rues sans "
            "savoir lesquelles sont calmes à quelle heure."
        ),
        "service": "Un calcul d'itinéraire pondéré par le bruit et la foule.",
        "targets": "Habitants, personnes hypersensibles, familles.",
        "datasets": [
            ("sound-levels", "Niveau sonore par rue", G.HOUR),
            ("pedestrian-flows", "Affluence par rue", G.HOUR),
        ],
        "maturity": Maturity.IDEA,
        "ai": "Aucune IA.",
        "indicators": ["Itinéraires calculés", "Satisfaction des testeurs"],
    },
    {
        "key": "seniors",
        "title": "Promenades du soir apaisées pour les seniors isolés",
        "organisation": "Voisins Solidaires 17",
        "type": A.ASSOCIATION,
        "siret": "",
        "website": "https://voisins17.example.org",
        "themes": [T.TRANQUILLITY, T.PEDESTRIAN_FLOWS],
        "summary": (
            "Des balades accompagnées en soirée, choisies selon le calme et "
            "l'éclairage des rues, pour rompre l'isolement."
        ),
        "problem": (
            "Des seniors isolés n'osent plus sortir le soir faute de repères "
            "sur les rues calmes et éclairées."
        ),
        "service": "Un programme de balades et une carte papier mise à jour.",
        "targets": "Seniors isolés, bénévoles.",
        "datasets": [
            ("light-dimming", "Éclairage en soirée", G.HOUR),
            ("sound-levels", "Calme des rues", G.HOUR),
        ],
        "maturity": Maturity.IDEA,
        "ai": "Aucune IA.",
        "indicators": ["Participants par mois", "Sentiment de sécurité"],
    },
    {
        "key": "ecoles",
        "title": "Abords d'école plus sûrs aux heures d'entrée",
        "organisation": "Collectif des parents de l'école Truffaut",
        "type": A.CITIZEN_COLLECTIVE,
        "siret": "",
        "website": "",
        "themes": [T.MOBILITY],
        "summary": (
            "Objectiver la circulation devant l'école aux heures d'entrée pour "
            "proposer une rue aux écoles."
        ),
        "problem": (
            "Devant l'école de la rue Truffaut, voitures et trottinettes "
            "frôlent les enfants entre 8 h 20 et 8 h 40."
        ),
        "service": "Un dossier chiffré et une expérimentation de rue aux écoles.",
        "targets": "Parents, enfants, mairie.",
        "datasets": [
            ("vehicle-counts", "Véhicules par classe à 8 h", G.QUARTER_HOUR),
            ("pedestrian-flows", "Piétons devant l'école", G.QUARTER_HOUR),
        ],
        "maturity": Maturity.IDEA,
        "ai": "Aucune IA.",
        "indicators": ["Véhicules à l'heure d'entrée", "Enfants venant à pied"],
    },
    {
        "key": "report-modal",
        "title": "Mesurer le report modal vers le vélo et la trottinette",
        "organisation": "Laboratoire Mobilités Urbaines",
        "type": A.RESEARCH_LAB,
        "siret": "19931238000017",
        "website": "https://mobilites.example.org",
        "themes": [T.MOBILITY],
        "summary": (
            "Suivre sur deux ans la part des vélos et trottinettes dans le "
            "trafic des Batignolles, et publier une méthode ouverte."
        ),
        "problem": (
            "Les aménagements cyclables sont décidés sans mesure fine de leur "
            "effet sur le trafic du quartier."
        ),
        "service": "Un observatoire trimestriel et un article de méthode.",
        "targets": "Chercheurs, mairie, associations cyclistes.",
        "datasets": [("vehicle-counts", "Comptages par classe", G.HOUR)],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Aucune IA ; statistiques publiées avec leur code.",
        "indicators": ["Part modale vélo", "Part modale trottinette"],
    },
    {
        "key": "observatoire",
        "title": "Observatoire citoyen des données et des panneaux DTPR",
        "organisation": "Code Commun Batignolles",
        "type": A.ASSOCIATION,
        "siret": "",
        "website": "https://codecommun.example.org",
        "themes": [
            T.MOBILITY,
            T.TRANQUILLITY,
            T.ENERGY,
            T.PEDESTRIAN_FLOWS,
            T.PARKING,
        ],
        "summary": (
            "Expliquer aux habitants les capteurs, les panneaux DTPR et les "
            "données, par des ateliers et un site pédagogique."
        ),
        "problem": (
            "Beaucoup d'habitants ne savent pas ce que mesurent les capteurs "
            "et craignent d'être filmés ou écoutés."
        ),
        "service": "Un site, des balades commentées et des ateliers de données.",
        "targets": "Tous les habitants, écoles, conseil de quartier.",
        "datasets": [
            (slug, "Visualisation pédagogique", G.DAY) for slug in DATASET_SLUGS
        ],
        "maturity": Maturity.PROTOTYPE,
        "ai": "Aucune IA.",
        "indicators": ["Participants aux ateliers", "Visites du site"],
    },
    {
        "key": "jumeau",
        "title": "Jumeau numérique 3D des 26 rues instrumentées",
        "organisation": "Volumetrix",
        "type": A.STARTUP,
        "siret": "89012345600018",
        "website": "https://volumetrix.example.org",
        "themes": [T.MOBILITY, T.ENERGY, T.TRANQUILLITY],
        "summary": (
            "Une maquette 3D navigable des rues instrumentées où les données "
            "des capteurs s'affichent en direct."
        ),
        "problem": (
            "Les données sont difficiles à lire sur des tableaux ; élus et "
            "habitants ont besoin de les voir dans la rue."
        ),
        "service": "Un jumeau numérique web léger, ouvert en lecture à tous.",
        "targets": "Élus, services techniques, habitants.",
        "datasets": [
            (slug, "Affichage dans la maquette", G.HOUR) for slug in DATASET_SLUGS
        ],
        "maturity": Maturity.PRODUCT,
        "ai": "Aucune IA.",
        "indicators": ["Sessions par mois", "Décisions éclairées par la maquette"],
    },
]
PROJECT = {p["key"]: p for p in PROJECTS}

# (project key, state, lead index among the 12 holders, number of members)
WAVE_1 = [
    ("livraisons", S.RETAINED, 0, 2),
    ("barometre", S.RETAINED, 2, 1),
    ("eclairage", S.RETAINED, 3, 2),
    ("commerces", S.RETAINED, 4, 1),
    ("observatoire", S.RETAINED, 10, 0),
    ("pmr", S.WAITING_LIST, 1, 1),
    ("report-modal", S.WAITING_LIST, 9, 1),
    ("jumeau", S.NOT_RETAINED, 11, 2),
    ("proprete", S.NOT_RETAINED, 5, 0),
    ("calme", S.NOT_RETAINED, 6, 2),
    ("ecoles", S.INADMISSIBLE, 8, 1),
    ("seniors", S.WITHDRAWN, 7, 0),
    ("jumeau", S.DRAFT, 4, 0),
]
WAVE_2 = [
    ("pmr", S.UNDER_REVIEW, 1, 1),
    ("calme", S.UNDER_REVIEW, 6, 2),
    ("seniors", S.ADMISSIBLE, 7, 1),
    ("ecoles", S.ADMISSIBLE, 8, 2),
    ("proprete", S.ADMISSIBLE, 5, 1),
    ("jumeau", S.SUBMITTED, 11, 1),
    ("report-modal", S.SUBMITTED, 9, 0),
    ("barometre", S.SUBMITTED, 3, 2),
    ("commerces", S.SUBMITTED, 0, 0),
    ("livraisons", S.INADMISSIBLE, 2, 0),
    ("observatoire", S.WITHDRAWN, 10, 1),
    ("eclairage", S.DRAFT, 3, 1),
    ("livraisons", S.DRAFT, 4, 0),
    ("commerces", S.DRAFT, 5, 1),
    ("barometre", S.DRAFT, 6, 0),
    ("pmr", S.DRAFT, 2, 0),
    ("seniors", S.DRAFT, 9, 1),
]

WAVE_2_TWISTS = {
    "pmr": "Trouver une place PMR libre : version vocale et SMS",
    "calme": "Itinéraires calmes pour les enfants hypersensibles",
    "seniors": "Balades du soir des seniors, saison 2",
    "ecoles": "Rue aux écoles Truffaut : mesure avant et après",
    "proprete": "Propreté des abords du marché des Batignolles",
    "jumeau": "Jumeau numérique léger pour le conseil de quartier",
    "report-modal": "Stationnement vélo et report modal, rue Cardinet",
    "barometre": "Baromètre du bruit des livraisons matinales",
    "commerces": "Fréquentation et terrasses : un outil pour les cafés",
    "livraisons": "Livraisons à vélo-cargo : aires partagées",
    "observatoire": "Observatoire des données pour les collégiens",
    "eclairage": "Éclairage et sentiment de sécurité : une enquête",
}

FEEDBACK = {
    S.RETAINED: (
        "Le jury a apprécié l'utilité du service pour les habitants et la "
        "minimisation des données demandées. Rendez-vous aux ateliers de "
        "co-construction de l'automne."
    ),
    S.WAITING_LIST: (
        "Projet intéressant, classé en liste d'attente : le jury souhaite un "
        "plan de co-construction plus précis avec les habitants concernés."
    ),
    S.NOT_RETAINED: (
        "Le jury n'a pas retenu le projet cette fois : la faisabilité d'ici le "
        "DemoDay et l'impact mesurable restent à démontrer. Nous vous "
        "encourageons à candidater à la vague suivante."
    ),
}
INADMISSIBLE_REASONS = {
    1: (
        "Le projet ne demande aucun jeu de données OpenBatignolles : il repose "
        "sur des caméras installées par le collectif, ce que la charte exclut."
    ),
    2: (
        "Le périmètre visé est l'ensemble du 17e arrondissement, et non les "
        "26 rues instrumentées des Batignolles."
    ),
}

EMAIL_TEMPLATES = [
    {
        "slug": "rappel-date-limite",
        "name": "Rappel : la date limite approche",
        "subject_fr": "{reference} : plus que quelques jours pour déposer",
        "subject_en": "{reference}: a few days left to submit",
        "body_fr": (
            "Votre brouillon « {title} » pour l'appel « {call} » n'est pas "
            "encore déposé. Pensez à le compléter et à le déposer avant la "
            "date limite : {link}"
        ),
        "body_en": (
            "Your draft “{title}” for “{call}” is not submitted yet. Complete "
            "it and submit it before the deadline: {link}"
        ),
    },
    {
        "slug": "invitation-atelier",
        "name": "Invitation à l'atelier de découverte des données",
        "subject_fr": "Atelier de découverte des données : votre équipe est invitée",
        "subject_en": "Discovering the data: your team is invited",
        "body_fr": (
            "L'équipe du projet « {title} » ({organisation}) est invitée à "
            "l'atelier de découverte des données et des fiches DTPR, à la "
            "Mairie du 17e (16-20 rue des Batignolles). Inscription : {link}"
        ),
        "body_en": (
            "The team of “{title}” ({organisation}) is invited to the workshop "
            "on the data and its DTPR sheets, at the Mairie du 17e "
            "(16-20 rue des Batignolles). Register: {link}"
        ),
    },
    {
        "slug": "pieces-manquantes",
        "name": "Pièce manquante",
        "subject_fr": "{reference} : une pièce manque à votre dossier",
        "subject_en": "{reference}: a document is missing",
        "body_fr": (
            "Il manque le support de présentation (PDF) de votre candidature "
            "« {title} ». Vous pouvez l'ajouter jusqu'à la date limite : {link}"
        ),
        "body_en": (
            "The pitch deck (PDF) of your application “{title}” is missing. "
            "You may add it until the deadline: {link}"
        ),
    },
]


def _typeset(template):
    """The template with French typography on its French texts."""
    return {
        field: french_typography(value)
        if field == "name" or field.endswith("_fr")
        else value
        for field, value in template.items()
    }


# A one-page PDF that pypdf reads; used when WeasyPrint cannot render.
_FALLBACK_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _paris(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


@functools.cache
def _pitch_deck(key):
    """Render a project's two-page pitch deck with WeasyPrint (no assets)."""
    project = PROJECT[key]
    title = project["title"]
    from django.utils.html import escape

    try:
        from weasyprint import HTML
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return _FALLBACK_PDF
    html = (
        "<html><head><meta charset='utf-8'><style>"
        "@page{size:A4 landscape;margin:2cm} body{font-family:sans-serif}"
        "h1{color:#1d4f91} section{page-break-after:always}"
        "</style></head><body>"
        f"<section><h1>{escape(title)}</h1><p>{escape(project['organisation'])}"
        f"</p><p>{escape(project['summary'])}</p></section>"
        f"<section><h2>Le problème</h2><p>{escape(project['problem'])}</p>"
        f"<h2>Le service</h2><p>{escape(project['service'])}</p></section>"
        "</body></html>"
    )
    from .pdf import PDF_BASE_URL, StaticFilesURLFetcher

    return HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesURLFetcher()
    ).write_pdf()


def _seed_charter():
    charter, _created = DataCharter.objects.update_or_create(
        version="1.0",
        defaults={
            "text_fr": CHARTER_FR,
            "text_en": CHARTER_EN,
            "published_on": datetime.date(2025, 7, 1),
        },
    )
    return charter


def _seed_call(slug, *, charter, datasets, **fields):
    call, _created = Call.objects.update_or_create(
        slug=slug,
        defaults={
            "summary_fr": (
                "Imaginez des services utiles aux habitants avec les données "
                "ouvertes des 160 capteurs des Batignolles."
            ),
            "summary_en": (
                "Build services useful to residents with the open data of the "
                "160 sensors of Batignolles."
            ),
            "text_fr": CALL_TEXT_FR,
            "text_en": CALL_TEXT_EN,
            "faq_fr": FAQ_FR,
            "faq_en": FAQ_EN,
            "eligible_types": [t.value for t in ApplicantType],
            "themes": [t.value for t in Theme],
            "charter": charter,
            "grid": DEFAULT_GRID,
            "is_published": True,
            **fields,
        },
    )
    call.datasets.set(datasets)
    # The versioned grid the jury scores on (version 1, from the same criteria).
    create_first_grid(call, criteria=DEFAULT_GRID, actor=None)
    return call


def _event(application, verb, *, actor, at, before=None, after=None, data=None):
    AuditEvent.objects.create(
        verb=verb,
        actor=actor,
        target_type=ContentType.objects.get_for_model(Application),
        target_id=str(application.pk),
        before=before,
        after=after,
        data=data or {},
        created_at=at,
    )


def _content(application):
    try:
        from .services.submission import application_content, content_fingerprint
    except ImportError:  # pragma: no cover - the applicant side defines them
        content = {"reference": application.reference, "title": application.title}
        raw = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return content, hashlib.sha256(raw.encode()).hexdigest()
    content = application_content(application)
    return content, content_fingerprint(content)


# The path each final state went through, after "submitted".
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    S.ADMISSIBLE: [S.SUBMITTED, S.ADMISSIBLE],
    S.INADMISSIBLE: [S.SUBMITTED, S.INADMISSIBLE],
    S.UNDER_REVIEW: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW],
    S.RETAINED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.RETAINED],
    S.WAITING_LIST: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.WAITING_LIST],
    S.NOT_RETAINED: [S.SUBMITTED, S.ADMISSIBLE, S.UNDER_REVIEW, S.NOT_RETAINED],
}


def _seed_application(
    call, number, row, *, wave, schedule, datasets, holders, organiser, charter
):
    key, state, lead_index, member_count = row
    project = PROJECT[key]
    prefix = call.slug.replace("-", "").upper()
    reference = f"{prefix}-{number:04d}"
    existing = Application.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False

    title = project["title"] if wave == 1 else WAVE_2_TWISTS.get(key, project["title"])
    created_at, submitted_at, examined = schedule(number, state)
    lead = holders[lead_index % len(holders)]
    complete = state != S.DRAFT or number % 2 == 0
    application = Application.objects.create(
        call=call,
        reference=reference,
        state=S.DRAFT,
        organisation_name=project["organisation"],
        applicant_type=project["type"],
        siret=project["siret"],
        website=project["website"],
        title=title,
        summary=project["summary"],
        themes=[t.value for t in project["themes"]],
        problem=project["problem"],
        proposed_service=project["service"] if complete else "",
        target_users=project["targets"],
        privacy_safeguards=(
            "Nous n'utilisons que des agrégats par quart d'heure ou par heure ; "
            "aucun croisement entre capteurs, aucune donnée personnelle."
        )
        if complete
        else "",
        ai_use=project["ai"],
        co_construction_plan=(
            "Deux ateliers avec les habitants et les usagers concernés, puis un "
            "test du prototype dans la rue avant le DemoDay."
        )
        if complete
        else "",
        expected_impact=(
            "Un service utilisé chaque semaine par les habitants concernés, et "
            "une amélioration mesurée des indicateurs ci-dessous."
        )
        if complete
        else "",
        impact_indicators=project["indicators"],
        maturity=project["maturity"],
        milestones=(
            "Mois 1 : accès aux données et maquette. Mois 2 : atelier avec les "
            "habitants. Mois 3 : prototype testé. DemoDay : résultats."
        )
        if complete
        else "",
        sustainability=(
            "Maintenance par l'équipe, code publié sous licence libre, "
            "reproductible dans d'autres quartiers instrumentés."
        )
        if complete
        else "",
        accepts_charter=complete,
        accepts_privacy_notice=complete,
        certifies_accuracy=complete,
        charter_version=charter.version if complete else "",
        created_by=lead,
        updated_by=lead,
        created_at=created_at,
        updated_at=submitted_at or created_at + datetime.timedelta(days=2),
        state_changed_at=created_at,
    )
    TeamMember.objects.create(
        application=application,
        user=lead,
        role=TeamRole.LEAD,
        job_title="Porteur ou porteuse du projet",
        joined_at=created_at,
    )
    for offset in range(1, member_count + 1):
        TeamMember.objects.create(
            application=application,
            user=holders[(lead_index + offset * 5) % len(holders)],
            role=TeamRole.MEMBER,
            job_title=["Développeuse", "Chargé de concertation"][offset % 2],
            joined_at=created_at + datetime.timedelta(days=offset),
        )
    for slug, purpose, granularity in project["datasets"]:
        dataset = datasets.get(slug)
        if dataset is None:
            continue
        RequestedDataset.objects.create(
            application=application,
            dataset=dataset,
            purpose=purpose,
            granularity=granularity,
        )
    _event(
        application,
        "application.created",
        actor=lead,
        at=created_at,
        after={"state": S.DRAFT.value, "reference": reference},
    )
    if complete:
        pdf = _pitch_deck(key)
        attachment = Attachment(
            application=application,
            original_name="pitch-deck.pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            is_pitch_deck=True,
            uploaded_by=lead,
            uploaded_at=created_at + datetime.timedelta(days=1),
        )
        attachment.file.save("pitch-deck.pdf", ContentFile(pdf), save=False)
        attachment.save()
        _event(
            application,
            "application.attachment_added",
            actor=lead,
            at=attachment.uploaded_at,
            data={"name": "pitch-deck.pdf", "size": len(pdf)},
        )

    path = PATHS[state]
    if not path:
        return application, True
    content, sha256 = _content(application)
    Submission.objects.create(
        application=application,
        number=1,
        content=content,
        sha256=sha256,
        submitted_by=lead,
        submitted_at=submitted_at,
        receipt_queued_at=submitted_at + datetime.timedelta(seconds=40),
    )
    previous = S.DRAFT
    moment = submitted_at
    fields = {"submitted_at": submitted_at}
    for step, new_state in enumerate(path):
        if step > 0:
            moment = examined[min(step - 1, len(examined) - 1)]
        actor = lead if new_state in (S.SUBMITTED, S.WITHDRAWN) else organiser
        after = {"state": new_state.value}
        if new_state == S.INADMISSIBLE:
            reason = INADMISSIBLE_REASONS[wave]
            fields["inadmissibility_reason"] = reason
            after["reason"] = reason
        if new_state in FEEDBACK:
            fields["decision_feedback"] = FEEDBACK[new_state]
            after["feedback"] = FEEDBACK[new_state]
        _event(
            application,
            f"application.{new_state.value}",
            actor=actor,
            at=moment,
            before={"state": previous.value},
            after=after,
        )
        if new_state == S.INADMISSIBLE or new_state in FEEDBACK:
            application.inadmissibility_reason = fields.get(
                "inadmissibility_reason", ""
            )
            _sent_email(application, new_state, moment, organiser)
        previous = new_state
    Application.objects.filter(pk=application.pk).update(
        state=state, state_changed_at=moment, **fields
    )
    if state == S.RETAINED:
        from .services.review import create_project

        project = create_project(application, actor=organiser)
        type(project).objects.filter(pk=project.pk).update(
            created_at=moment, state_changed_at=moment
        )
    return application, True


def _sent_email(application, state, moment, organiser):
    kind = "inadmissible" if state == S.INADMISSIBLE else "decision"
    label = ApplicationState(state).label
    SentEmail.objects.create(
        application=application,
        kind=kind,
        to=list(application.team.values_list("user__email", flat=True)),
        subject=f"{application.reference} : {label}",
        body=FEEDBACK.get(state) or application.inadmissibility_reason,
        status=EmailStatus.SENT,
        sent_by=organiser,
        created_at=moment,
        sent_at=moment + datetime.timedelta(minutes=1),
    )


def _wave_1_schedule(number, state):
    """Drafts from late July; submissions mostly in the last fortnight."""
    created = _paris(2025, 7, 22, 9) + datetime.timedelta(days=4 * number, hours=number)
    submitted = _paris(2025, 9, 12, 11) + datetime.timedelta(
        days=min(number * 1.4, 18), hours=number % 5
    )
    if number == 1:
        submitted = _paris(2025, 8, 28, 16, 12)
    examined = [
        _paris(2025, 10, 2, 10) + datetime.timedelta(hours=number),
        _paris(2025, 10, 6, 9, 30),
        _paris(2025, 10, 24, 11),
    ]
    return created, submitted, examined


def _wave_2_schedule_factory(opens_at, now):
    def schedule(number, state):
        created = opens_at + datetime.timedelta(days=number % 12, hours=2 + number)
        submitted = min(
            created + datetime.timedelta(days=2 + number % 4, hours=3),
            now - datetime.timedelta(hours=number),
        )
        examined = [
            min(
                submitted + datetime.timedelta(days=2),
                now - datetime.timedelta(hours=1),
            ),
            min(
                submitted + datetime.timedelta(days=3),
                now - datetime.timedelta(minutes=30),
            ),
        ]
        return created, submitted, examined

    return schedule


def _shift_wave(call, delta):
    """Move the open wave's history with its dates, so a later run stays coherent."""
    applications = Application.objects.filter(call=call)
    applications.update(
        created_at=F("created_at") + delta,
        updated_at=F("updated_at") + delta,
        state_changed_at=F("state_changed_at") + delta,
        submitted_at=F("submitted_at") + delta,
    )
    Submission.objects.filter(application__call=call).update(
        submitted_at=F("submitted_at") + delta,
        receipt_queued_at=F("receipt_queued_at") + delta,
    )
    TeamMember.objects.filter(application__call=call).update(
        joined_at=F("joined_at") + delta
    )
    Attachment.objects.filter(application__call=call).update(
        uploaded_at=F("uploaded_at") + delta
    )
    SentEmail.objects.filter(application__call=call).update(
        created_at=F("created_at") + delta, sent_at=F("sent_at") + delta
    )
    AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Application),
        target_id__in=[str(pk) for pk in applications.values_list("pk", flat=True)],
    ).update(created_at=F("created_at") + delta)


def seed_applications(*, accounts, days=21, stdout=None):
    """Create the demo calls, jury seats, applications and email templates.

    Idempotent: calls are updated in place (the open wave's dates follow
    today), applications are created once by reference, templates by slug.
    """
    now = timezone.now()
    organiser = accounts["organisers"][0]
    holders = accounts["holders"]
    with transaction.atomic():
        charter = _seed_charter()
        datasets = {d.slug: d for d in Dataset.objects.filter(slug__in=DATASET_SLUGS)}
        wave_1 = _seed_call(
            "ami-1",
            charter=charter,
            datasets=list(datasets.values()),
            title_fr="Appel à manifestation d'intérêt OpenBatignolles 2025",
            title_en="OpenBatignolles call for expressions of interest 2025",
            opens_at=_paris(2025, 7, 21, 10),
            closes_at=_paris(2025, 9, 30, 23, 59),
            review_starts_on=datetime.date(2025, 10, 1),
            review_ends_on=datetime.date(2025, 10, 20),
            results_on=datetime.date(2025, 10, 24),
            created_at=_paris(2025, 7, 10, 15),
        )
        local_now = timezone.localtime(now, PARIS)
        opens_at = (local_now - datetime.timedelta(days=20)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        closes_at = (local_now + datetime.timedelta(days=25)).replace(
            hour=23, minute=59, second=0, microsecond=0
        )
        previous = Call.objects.filter(slug="ami-2").values_list("opens_at", flat=True)
        shift = opens_at - previous[0] if previous else None
        wave_2 = _seed_call(
            "ami-2",
            charter=charter,
            datasets=list(datasets.values()),
            title_fr="Appel à manifestation d'intérêt OpenBatignolles : deuxième vague",
            title_en="OpenBatignolles call for expressions of interest: second wave",
            opens_at=opens_at,
            closes_at=closes_at,
            review_starts_on=(closes_at + datetime.timedelta(days=3)).date(),
            review_ends_on=(closes_at + datetime.timedelta(days=24)).date(),
            results_on=(closes_at + datetime.timedelta(days=30)).date(),
            created_at=opens_at - datetime.timedelta(days=10),
        )
        if shift:
            _shift_wave(wave_2, shift)
        ExtraQuestion.objects.update_or_create(
            call=wave_2,
            position=1,
            defaults={
                "kind": QuestionKind.YES_NO,
                "label_fr": "Avez-vous candidaté à la première vague ?",
                "label_en": "Did you apply to the first wave?",
                "required": False,
            },
        )
        ExtraQuestion.objects.update_or_create(
            call=wave_2,
            position=2,
            defaults={
                "kind": QuestionKind.LONG_TEXT,
                "label_fr": "Quels habitants associerez-vous aux tests ?",
                "label_en": "Which residents will you involve in the tests?",
                "max_length": 1500,
                "required": False,
            },
        )
        for juror in accounts["jurors"]:
            for call in (wave_1, wave_2):
                JuryMembership.objects.get_or_create(call=call, user=juror)

        created = 0
        for number, row in enumerate(WAVE_1, start=1):
            _application, new = _seed_application(
                wave_1,
                number,
                row,
                wave=1,
                schedule=_wave_1_schedule,
                datasets=datasets,
                holders=holders,
                organiser=organiser,
                charter=charter,
            )
            created += new
        schedule = _wave_2_schedule_factory(opens_at, now)
        for number, row in enumerate(WAVE_2, start=1):
            _application, new = _seed_application(
                wave_2,
                number,
                row,
                wave=2,
                schedule=schedule,
                datasets=datasets,
                holders=holders,
                organiser=organiser,
                charter=charter,
            )
            created += new
        for template in EMAIL_TEMPLATES:
            EmailTemplate.objects.update_or_create(
                slug=template["slug"], defaults=_typeset(template)
            )
    if stdout is not None:
        total = Application.objects.filter(call__in=[wave_1, wave_2]).count()
        stdout.write(
            f"Calls: 2 waves; applications: {total} ({created} new); "
            f"email templates: {len(EMAIL_TEMPLATES)}."
        )
    return {"calls": [wave_1, wave_2], "created": created}
