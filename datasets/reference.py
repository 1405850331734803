"""The reference data of the experiment, as plain Python data (deterministic).

The five datasets and their metrics, one DTPR sheet per dataset (in the
standard's vocabulary: element ids and names copied from the DTPR device
taxonomy, see ``/shared/data/dtpr/``), the 26 streets with their geometry, the
40 parking zones and the 160 sensors. ``datasets.services.seed_catalogue()``
writes them to the database; the simulator reads the street traits below.

Street geometries are approximate WGS 84 polylines of the real streets, drawn
from public knowledge of the neighbourhood (see the comment above ``STREETS``),
inside its bounding box (lat 48.880-48.893, lon 2.310-2.327).
"""

import datetime

from django.utils.text import slugify
from django.utils.translation import get_language

from portal.typography import french_typography

LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ACCOUNTABLE = "Mairie du 17e arrondissement de Paris"
ACCOUNTABLE_URL = "https://mairie17.paris.fr/"
FEEDBACK_EMAIL = "capteurs@openbatignolles.paris"
# The experiment lasts five years; aggregates are kept for its whole length.
RETENTION_DAYS = 5 * 365

# --- DTPR vocabulary ----------------------------------------------------------

# Sheet fields in display order, with the DTPR category id of each.
DTPR_CATEGORIES = [
    ("accountable", "device__accountable", "Responsable", "Accountable"),
    ("purpose", "device__purpose", "But", "Purpose"),
    ("technology", "device__tech", "Technologie", "Technology"),
    ("data_collected", "device__data", "Type de données", "Data Type"),
    ("processing", "device__process", "Traitement", "Processing"),
    ("storage", "device__storage", "Stockage", "Storage"),
    ("access", "device__access", "Accéder", "Access"),
    ("retention", "device__retention", "Rétention", "Retention"),
]

# element id -> (category, French name, English name), as in the taxonomy.
DTPR_ELEMENTS = {
    "institution": ("accountable", "Institution", "Institution"),
    "mobility": ("purpose", "Mobilité", "Mobility"),
    "planning_decision_making": (
        "purpose",
        "Planification et prise de décision",
        "Planning & Decision-making",
    ),
    "ecology": ("purpose", "Écologie", "Ecology"),
    "logistics": ("purpose", "Logistique", "Logistics"),
    "accessibility": ("purpose", "Accessibilité", "Accessibility"),
    "safety_security": ("purpose", "Tranquillité Prévention", "Safety & Security"),
    "health": ("purpose", "Santé", "Health"),
    "energy_efficiency": ("purpose", "Efficacité énergétique", "Energy Efficiency"),
    "inform": ("purpose", "Informer", "Inform"),
    "person_detection": ("technology", "Détection de personnes", "Person detection"),
    "passive_infrared_sensor": (
        "technology",
        "Capteur passif à infrarouge",
        "Passive Infrared Sensor",
    ),
    "radar": ("technology", "Radar", "Radar"),
    "induction_loop": ("technology", "Boucle d'induction magnétique", "Induction Loop"),
    "ultrasonic_level_sensor": ("technology", "Capteur ultrasons", "Ultrasonic Sensor"),
    "sound_level_meter": ("technology", "Sonomètre", "Sound Level Meter"),
    "motion_detector": ("technology", "Détecteur de mouvement", "Motion Detector"),
    "values_time": ("data_collected", "Valeurs / Temps", "Values / Time"),
    "tabular": ("data_collected", "Tabulaire", "Tabular"),
    "spatial": ("data_collected", "Spatial", "Spatial"),
    "aggregated": ("processing", "Agrégé", "Aggregated"),
    "de_identified": ("processing", "Dé-identifié", "De-identified"),
    "transport_layer_security": (
        "processing",
        "Sécurité de la couche transport",
        "Transport Layer Security",
    ),
    "encrypted_at_rest": ("processing", "Chiffré au repos", "Encrypted at Rest"),
    "stored_primarily_locally": (
        "storage",
        "Stocké principalement localement",
        "Stored primarily locally",
    ),
    "backed_up_locally": ("storage", "Sauvegardé localement", "Backed up locally"),
    "available_to_download": (
        "access",
        "Disponible pour le téléchargement",
        "Available to download",
    ),
    "available_to_3rd_parties": (
        "access",
        "Données mise à la disposition de tiers",
        "Available to 3rd parties",
    ),
    "available_to_the_accountable_organization": (
        "access",
        "Données mises à la disposition de l’organisation responsable",
        "Available to the accountable organization",
    ),
    "data_retained": ("retention", "Retenu {{duration}}", "Retained {{duration}}"),
}

# Explanations shared by every sheet; each sheet adds its own for purpose,
# technology and data collected.
COMMON_EXPLANATIONS = {
    "accountable": {
        "fr": "La Mairie du 17e conduit l'expérimentation OpenBatignolles et répond "
        "de ces capteurs, installés avec la Ville de Paris.",
        "en": "The Mairie du 17e runs the OpenBatignolles experiment and answers "
        "for these sensors, installed with the City of Paris.",
    },
    "processing": {
        "fr": "Les mesures sont calculées dans le capteur lui-même : aucune image "
        "ni aucun son n'est enregistré ni transmis. Seuls des comptages et des "
        "niveaux agrégés par quart d'heure quittent l'appareil, par une liaison "
        "chiffrée.",
        "en": "Measurements are computed inside the sensor itself: no image and "
        "no sound is ever recorded or sent. Only counts and levels aggregated "
        "per quarter hour leave the device, over an encrypted link.",
    },
    "storage": {
        "fr": "Les agrégats sont stockés en France, sur les serveurs du portail "
        "OpenBatignolles, avec une sauvegarde locale.",
        "en": "The aggregates are stored in France, on the OpenBatignolles "
        "portal's servers, with a local backup.",
    },
    "access": {
        "fr": "Données ouvertes sous Licence Ouverte 2.0 : agrégats horaires et "
        "journaliers pour tous, sans clé ; valeurs au quart d'heure (intervalle "
        "de 15 minutes) pour les projets qui ont signé la charte des données.",
        "en": "Open data under the Licence Ouverte 2.0: hourly and daily "
        "aggregates for everyone, without a key; 15-minute steps for projects "
        "that signed the data charter.",
    },
    "retention": {
        "fr": "Les agrégats sont conservés pendant la durée de l'expérimentation "
        "(5 ans), puis publiés en archive ou supprimés.",
        "en": "The aggregates are kept for the length of the experiment "
        "(5 years), then archived openly or deleted.",
    },
}

_COMMON_SHEET = {
    "accountable": ACCOUNTABLE,
    "accountable_url": ACCOUNTABLE_URL,
    "processing": ["aggregated", "de_identified", "transport_layer_security"],
    "storage": ["stored_primarily_locally", "backed_up_locally"],
    "access": [
        "available_to_download",
        "available_to_3rd_parties",
        "available_to_the_accountable_organization",
    ],
    "retention": ["data_retained"],
    "retention_days": RETENTION_DAYS,
    "feedback_email": FEEDBACK_EMAIL,
}


def _sheet(slug, name_fr, name_en, *, purpose, technology, data_collected, texts):
    explanations = dict(COMMON_EXPLANATIONS)
    explanations.update(texts)
    return {
        "slug": slug,
        "name_fr": name_fr,
        "name_en": name_en,
        "purpose": purpose,
        "technology": technology,
        "data_collected": data_collected,
        "explanations": explanations,
        **_COMMON_SHEET,
    }


DTPR_SHEETS = [
    _sheet(
        "pedestrian-flows",
        "Compteur de piétons",
        "Pedestrian counter",
        purpose=["mobility", "planning_decision_making"],
        technology=["person_detection", "passive_infrared_sensor"],
        data_collected=["values_time", "tabular"],
        texts={
            "purpose": {
                "fr": "Mieux connaître la fréquentation des trottoirs pour adapter "
                "l'aménagement, la propreté et les animations du quartier.",
                "en": "Understand how busy the pavements are, to adapt street "
                "design, cleaning and neighbourhood events.",
            },
            "technology": {
                "fr": "Un détecteur fixé sur un mât d'éclairage compte les "
                "personnes qui franchissent une ligne virtuelle, dans chaque sens.",
                "en": "A detector on a street-light pole counts the people "
                "crossing a virtual line, in each direction.",
            },
            "data_collected": {
                "fr": "Deux nombres par quart d'heure : entrées et sorties. Aucun "
                "visage, aucune silhouette, aucun identifiant de téléphone.",
                "en": "Two numbers per quarter hour: in and out. No face, no "
                "silhouette, no phone identifier.",
            },
        },
    ),
    _sheet(
        "vehicle-counts",
        "Compteur de véhicules",
        "Vehicle counter",
        purpose=["mobility", "planning_decision_making", "ecology"],
        technology=["radar"],
        data_collected=["values_time", "tabular"],
        texts={
            "purpose": {
                "fr": "Suivre le trafic par type de véhicule (voitures, vélos, "
                "trottinettes...) pour apaiser les rues et favoriser les modes doux.",
                "en": "Follow traffic per vehicle class (cars, bicycles, "
                "e-scooters...) to calm streets and favour active travel.",
            },
            "technology": {
                "fr": "Un radar compte les véhicules et reconnaît leur catégorie "
                "à leur gabarit.",
                "en": "A radar counts vehicles and tells their class from their "
                "size.",
            },
            "data_collected": {
                "fr": "Des comptages par catégorie et par quart d'heure. Aucune "
                "plaque d'immatriculation n'est lue.",
                "en": "Counts per class and per quarter hour. No licence plate is "
                "ever read.",
            },
        },
    ),
    _sheet(
        "parking-occupancy",
        "Capteur d'occupation du stationnement",
        "Parking occupancy sensor",
        purpose=["mobility", "logistics", "accessibility"],
        technology=["ultrasonic_level_sensor"],
        data_collected=["values_time", "spatial"],
        texts={
            "purpose": {
                "fr": "Savoir si les places (livraison, PMR, deux-roues, rotatif) "
                "sont libres, pour réduire le temps passé à chercher une place.",
                "en": "Know whether bays (delivery, disabled, two-wheeler, visitor) "
                "are free, to cut the time spent looking for one.",
            },
            "technology": {
                "fr": "Des capteurs détectent la présence d'un véhicule au-dessus "
                "de chaque place d'une zone.",
                "en": "Sensors detect whether a vehicle stands over each bay of a "
                "zone.",
            },
            "data_collected": {
                "fr": "Par zone et par quart d'heure : places occupées et taux "
                "d'occupation. Jamais la durée de stationnement d'un véhicule.",
                "en": "Per zone and quarter hour: occupied places and occupancy "
                "rate. Never how long one vehicle stayed.",
            },
        },
    ),
    _sheet(
        "sound-levels",
        "Sonomètre",
        "Sound level meter",
        purpose=["safety_security", "health", "planning_decision_making"],
        technology=["sound_level_meter"],
        data_collected=["values_time", "tabular"],
        texts={
            "purpose": {
                "fr": "Mesurer le bruit de la rue pour objectiver les nuisances "
                "et évaluer les actions de tranquillité publique.",
                "en": "Measure street noise to document nuisances and assess "
                "public-tranquillity measures.",
            },
            "technology": {
                "fr": "Un sonomètre calcule en continu des niveaux sonores en "
                "décibels. Il ne peut pas enregistrer de son.",
                "en": "A sound level meter continuously computes sound levels in "
                "decibels. It cannot record sound.",
            },
            "data_collected": {
                "fr": "Des niveaux en dB(A) par quart d'heure (LAeq, LAmax, "
                "LA10, LA50, LA90) et un nombre d'événements au-dessus de 70 dB(A).",
                "en": "Levels in dB(A) per quarter hour (LAeq, LAmax, LA10, LA50, "
                "LA90) and a count of events above 70 dB(A).",
            },
        },
    ),
    _sheet(
        "light-dimming",
        "Contrôleur d'éclairage public",
        "Street-light controller",
        purpose=["energy_efficiency", "safety_security", "ecology"],
        technology=["motion_detector", "passive_infrared_sensor"],
        data_collected=["values_time", "tabular"],
        texts={
            "purpose": {
                "fr": "Baisser l'éclairage la nuit quand la rue est vide, le "
                "relever au passage : moins d'énergie, moins de pollution lumineuse.",
                "en": "Dim the lights at night when the street is empty and raise "
                "them when someone passes: less energy, less light pollution.",
            },
            "technology": {
                "fr": "Un détecteur de mouvement pilote la gradation d'un groupe "
                "de lampadaires LED.",
                "en": "A motion detector drives the dimming of a group of LED "
                "street lights.",
            },
            "data_collected": {
                "fr": "Par quart d'heure : niveau de gradation, nombre de "
                "relances par présence, puissance et énergie consommées.",
                "en": "Per quarter hour: dimming level, presence boosts, power "
                "and energy used.",
            },
        },
    ),
]

# --- Datasets and metrics -----------------------------------------------------

# (slug, name_fr, name_en, unit, min, max, aggregation, scale, min_published)
DATASETS = [
    {
        "slug": "pedestrian-flows",
        "name_fr": "Flux piétons",
        "name_en": "Pedestrian flows",
        "description_fr": "Nombre de personnes franchissant une ligne de comptage, "
        "dans chaque sens, par quart d'heure, sur 40 points des rues des "
        "Batignolles. Compté sur l'appareil chaque minute, publié par 15 minutes.",
        "description_en": "People crossing a counting line, in each direction, per "
        "quarter hour, at 40 points of the Batignolles streets. Counted on the "
        "device every minute, served per 15 minutes.",
        "device_step_minutes": 1,
        "kind": "pedestrian_counter",
        "metrics": [
            ("pedestrians_in", "Piétons entrants", "Pedestrians in", "persons",
             0, 5000, "sum", "linear", 5),
            ("pedestrians_out", "Piétons sortants", "Pedestrians out", "persons",
             0, 5000, "sum", "linear", 5),
        ],
    },
    {
        "slug": "vehicle-counts",
        "name_fr": "Comptage des véhicules",
        "name_en": "Vehicle counts",
        "description_fr": "Véhicules comptés par catégorie (voitures, "
        "utilitaires, poids lourds, bus, deux-roues motorisés, vélos, "
        "trottinettes) et par quart d'heure, sur 30 points.",
        "description_en": "Vehicles counted per class (cars, vans, trucks, buses, "
        "motorbikes, bicycles, e-scooters) and per quarter hour, at 30 points.",
        "device_step_minutes": 15,
        "kind": "traffic_counter",
        "metrics": [
            ("cars", "Voitures", "Cars", "vehicles", 0, 2000, "sum", "linear", 0),
            ("vans", "Utilitaires", "Vans", "vehicles", 0, 2000, "sum", "linear", 0),
            ("trucks", "Poids lourds", "Trucks", "vehicles", 0, 2000, "sum",
             "linear", 0),
            ("buses", "Bus", "Buses", "vehicles", 0, 2000, "sum", "linear", 0),
            ("motorbikes", "Deux-roues motorisés", "Motorbikes", "vehicles", 0,
             2000, "sum", "linear", 0),
            ("bicycles", "Vélos", "Bicycles", "vehicles", 0, 2000, "sum", "linear",
             0),
            ("e_scooters", "Trottinettes", "E-scooters", "vehicles", 0, 2000, "sum",
             "linear", 0),
        ],
    },
    {
        "slug": "parking-occupancy",
        "name_fr": "Occupation du stationnement",
        "name_en": "Parking occupancy",
        "description_fr": "Places occupées et taux d'occupation de 40 zones de "
        "stationnement (rotatif, livraison, PMR, deux-roues), par quart d'heure.",
        "description_en": "Occupied places and occupancy rate of 40 parking zones "
        "(visitor, delivery, disabled, two-wheeler), per quarter hour.",
        "device_step_minutes": 15,
        "kind": "parking_sensor",
        "metrics": [
            ("occupied", "Places occupées", "Occupied places", "places", 0, 500,
             "avg", "linear", 0),
            ("occupancy_rate", "Taux d'occupation", "Occupancy rate", "%", 0, 100,
             "avg", "linear", 0),
        ],
    },
    {
        "slug": "sound-levels",
        "name_fr": "Niveaux sonores",
        "name_en": "Sound levels",
        "description_fr": "Niveaux sonores en dB(A) par quart d'heure (LAeq, "
        "LAmax, indices statistiques LA10, LA50, LA90) et nombre d'événements "
        "bruyants au-dessus de 70 dB(A), sur 25 points. Aucun son n'est enregistré.",
        "description_en": "Sound levels in dB(A) per quarter hour (LAeq, LAmax, "
        "statistical levels LA10, LA50, LA90) and the number of loud events above "
        "70 dB(A), at 25 points. No sound is ever recorded.",
        "device_step_minutes": 15,
        "kind": "sound_level_meter",
        "metrics": [
            ("laeq", "Niveau équivalent LAeq", "Equivalent level LAeq", "dB(A)",
             20, 130, "avg", "decibel", 0),
            ("lamax", "Niveau maximal LAmax", "Maximum level LAmax", "dB(A)", 20,
             140, "max", "decibel", 0),
            ("la10", "Niveau LA10", "Level LA10", "dB(A)", 20, 130, "avg",
             "decibel", 0),
            ("la50", "Niveau LA50", "Level LA50", "dB(A)", 20, 130, "avg",
             "decibel", 0),
            ("la90", "Niveau de fond LA90", "Background level LA90", "dB(A)", 20,
             130, "avg", "decibel", 0),
            ("events_over_70", "Événements au-dessus de 70 dB(A)",
             "Events above 70 dB(A)", "events", 0, 900, "sum", "linear", 0),
        ],
    },
    {
        "slug": "light-dimming",
        "name_fr": "Gradation de l'éclairage public",
        "name_en": "Street-light dimming",
        "description_fr": "Niveau de gradation de 25 groupes de lampadaires LED, "
        "relances par détection de présence, puissance et énergie consommées, "
        "par quart d'heure.",
        "description_en": "Dimming level of 25 groups of LED street lights, "
        "presence boosts, power and energy used, per quarter hour.",
        "device_step_minutes": 15,
        "kind": "lighting_controller",
        "metrics": [
            ("dimming_level", "Niveau d'éclairement", "Dimming level", "%", 0, 100,
             "avg", "linear", 0),
            ("presence_boosts", "Relances par présence", "Presence boosts",
             "boosts", 0, 900, "sum", "linear", 0),
            ("power", "Puissance", "Power", "W", 0, 5000, "avg", "linear", 0),
            ("energy", "Énergie", "Energy", "kWh", 0, 50, "sum", "linear", 0),
        ],
    },
]

DATASET_BY_KIND = {d["kind"]: d["slug"] for d in DATASETS}
CODE_PREFIX = {
    "pedestrian_counter": "PED",
    "traffic_counter": "VEH",
    "parking_sensor": "PRK",
    "sound_level_meter": "SND",
    "lighting_controller": "LUM",
}
SENSOR_COUNTS = [
    ("pedestrian_counter", 40, "light_pole"),
    ("traffic_counter", 30, "light_pole"),
    ("parking_sensor", 40, "ground"),
    ("sound_level_meter", 25, "light_pole"),
    ("lighting_controller", 25, "cabinet"),
]

# --- Streets --------------------------------------------------------------------

# Where the geometry comes from: polylines drawn by hand for this portal from
# public knowledge of the neighbourhood (the metro stations Place de Clichy,
# Rome, Villiers, La Fourche and Brochant, the Mairie at 16-20 rue des
# Batignolles, the church on the place du Docteur-Félix-Lobligeois, the square
# and the railway cutting between them), in WGS 84 (EPSG:4326), [lon, lat].
# They are APPROXIMATE: each street's course and its crossings are right to
# within about 50 to 100 metres, not a survey; streets that leave the
# neighbourhood are cut at its bounding box (lat 48.880-48.893, lon
# 2.310-2.327). Replace them with the City of Paris's open street data
# ("voies", Licence Ouverte) when the real layout matters. docs/data.md says
# the same.
#
# (name, [[lon, lat], ...], traits); most important streets first, which is
# also the order sensors are spread over them. ``weight`` scales footfall and
# traffic, ``bars`` makes evenings louder, ``market`` adds a Saturday market.
STREETS = [
    ("Rue des Batignolles",
     [[2.3223, 48.8825], [2.3222, 48.8837], [2.3221, 48.8848], [2.3215, 48.8857],
      [2.3209, 48.8864]],
     {"weight": 1.6, "market": True}),
    ("Boulevard des Batignolles",
     [[2.3268, 48.8836], [2.3241, 48.8829], [2.3217, 48.8824], [2.3190, 48.8818],
      [2.3159, 48.8812]],
     {"weight": 2.0, "market": True}),
    ("Avenue de Clichy",
     [[2.3268, 48.8839], [2.3264, 48.8852], [2.3257, 48.8872], [2.3230, 48.8888],
      [2.3197, 48.8906], [2.3167, 48.8925]],
     {"weight": 2.2}),
    ("Rue des Dames",
     [[2.3263, 48.8847], [2.3242, 48.8848], [2.3221, 48.8849], [2.3205, 48.8847],
      [2.3188, 48.8845]],
     {"weight": 1.3, "bars": True}),
    ("Rue Legendre",
     [[2.3104, 48.8837], [2.3128, 48.8845], [2.3150, 48.8852], [2.3175, 48.8859],
      [2.3200, 48.8866], [2.3215, 48.8876], [2.3232, 48.8887], [2.3250, 48.8897],
      [2.3267, 48.8907]],
     {"weight": 1.5}),
    ("Rue Lemercier",
     [[2.3233, 48.8849], [2.3222, 48.8862], [2.3211, 48.8874], [2.3202, 48.8885],
      [2.3193, 48.8894]],
     {"weight": 1.3, "market": True}),
    ("Rue Nollet",
     [[2.3248, 48.8848], [2.3240, 48.8860], [2.3229, 48.8875], [2.3215, 48.8895]],
     {"weight": 1.0}),
    ("Rue Brochant",
     [[2.3184, 48.8890], [2.3190, 48.8897], [2.3197, 48.8906]],
     {"weight": 1.1, "bars": True}),
    ("Rue Cardinet",
     [[2.3101, 48.8854], [2.3125, 48.8869], [2.3148, 48.8884], [2.3166, 48.8899],
      [2.3183, 48.8915]],
     {"weight": 1.4}),
    ("Place du Docteur-Félix-Lobligeois",
     [[2.3197, 48.8864], [2.3213, 48.8865], [2.3213, 48.8872], [2.3198, 48.8872],
      [2.3197, 48.8864]],
     {"weight": 0.9, "bars": True}),
    ("Rue des Moines",
     [[2.3227, 48.8890], [2.3231, 48.8903], [2.3236, 48.8914], [2.3241, 48.8926]],
     {"weight": 0.9, "bars": True}),
    ("Rue Truffaut",
     [[2.3207, 48.8847], [2.3202, 48.8853], [2.3195, 48.8861]],
     {"weight": 0.8}),
    ("Rue La Condamine",
     [[2.3259, 48.8866], [2.3240, 48.8865], [2.3222, 48.8864], [2.3214, 48.8863]],
     {"weight": 0.9}),
    ("Rue Boursault",
     [[2.3192, 48.8819], [2.3178, 48.8832], [2.3161, 48.8845], [2.3151, 48.8852]],
     {"weight": 0.7}),
    ("Rue Dulong",
     [[2.3165, 48.8814], [2.3150, 48.8827], [2.3138, 48.8837], [2.3128, 48.8845]],
     {"weight": 0.7}),
    ("Rue Saussure",
     [[2.3140, 48.8849], [2.3136, 48.8866], [2.3131, 48.8881], [2.3121, 48.8912]],
     {"weight": 0.8}),
    ("Rue Lamandé",
     [[2.3246, 48.8879], [2.3255, 48.8884], [2.3264, 48.8889]],
     {"weight": 0.5}),
    ("Rue Puteaux",
     [[2.3207, 48.8823], [2.3205, 48.8835], [2.3204, 48.8846]],
     {"weight": 0.5}),
    ("Rue Clairaut",
     [[2.3245, 48.8894], [2.3247, 48.8905], [2.3250, 48.8916]],
     {"weight": 0.5}),
    ("Rue Gauthey",
     [[2.3179, 48.8918], [2.3196, 48.8923], [2.3214, 48.8928]],
     {"weight": 0.5}),
    ("Rue Davy",
     [[2.3207, 48.8902], [2.3226, 48.8909], [2.3245, 48.8917], [2.3262, 48.8924]],
     {"weight": 0.6}),
    ("Rue Sauffroy",
     [[2.3147, 48.8907], [2.3158, 48.8915], [2.3170, 48.8924]],
     {"weight": 0.5}),
    ("Rue Biot",
     [[2.3258, 48.8835], [2.3256, 48.8841], [2.3254, 48.8847]],
     {"weight": 0.6, "bars": True}),
    ("Rue Mariotte",
     [[2.3238, 48.8848], [2.3235, 48.8853], [2.3232, 48.8858]],
     {"weight": 0.5}),
    ("Rue Bridaine",
     [[2.3222, 48.8838], [2.3231, 48.8839], [2.3240, 48.8841]],
     {"weight": 0.5}),
    ("Rue Hélène",
     [[2.3255, 48.8849], [2.3254, 48.8856], [2.3253, 48.8862]],
     {"weight": 0.4}),
]

# The square des Batignolles, drawn on the map for orientation (not a street:
# no sensor belongs to it). Approximate outline, [lon, lat], closed ring.
SQUARE = {
    "name": "Square des Batignolles",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [2.3160, 48.8868],
                [2.3170, 48.8889],
                [2.3183, 48.8891],
                [2.3195, 48.8880],
                [2.3194, 48.8867],
                [2.3175, 48.8863],
                [2.3160, 48.8868],
            ]
        ],
    },
}


def street_rows():
    """The 26 streets as dicts: slug, name, GeoJSON geometry, traits."""
    return [
        {
            "slug": slugify(name),
            "name": name,
            "geometry": {"type": "LineString", "coordinates": coordinates},
            "traits": {"weight": 1.0, "bars": False, "market": False, **traits},
        }
        for name, coordinates, traits in STREETS
    ]


STREET_TRAITS = {row["slug"]: row["traits"] for row in street_rows()}

# Degrees of longitude are shorter than degrees of latitude here: cos(48.886°).
_LON_SCALE = 0.6577


def _point_along(coordinates, fraction):
    """The point at ``fraction`` (0-1) of a polyline's length, as (lat, lon).

    Lengths are measured in an equirectangular projection, so that points
    spread evenly in metres, not in degrees.
    """
    lengths = []
    for (x1, y1), (x2, y2) in zip(coordinates, coordinates[1:], strict=False):
        lengths.append((((x2 - x1) * _LON_SCALE) ** 2 + (y2 - y1) ** 2) ** 0.5)
    target = sum(lengths) * fraction
    for ((x1, y1), (x2, y2)), length in zip(
        zip(coordinates, coordinates[1:], strict=False), lengths, strict=True
    ):
        if target <= length or length == 0:
            ratio = target / length if length else 0
            return round(y1 + (y2 - y1) * ratio, 6), round(x1 + (x2 - x1) * ratio, 6)
        target -= length
    x, y = coordinates[-1]
    return round(y, 6), round(x, 6)


# --- Sensors and parking zones: who sits on which street ------------------------

SENSOR_KINDS = [kind for kind, _count, _mounting in SENSOR_COUNTS]


def _street_of(kind, index):
    """The street index of the ``index``-th sensor of ``kind`` (0-based)."""
    # Parking sensor n watches zone n, and zone n lies on street n % 26; the
    # other kinds are dealt round the streets the same way.
    return index % len(STREETS)


def _positions():
    """{(kind, index): (lat, lon)}: every sensor at its own point of its street.

    The sensors of one street are placed at evenly spaced points along it,
    never at its ends (where it meets another street), in an order that
    alternates the kinds; so no two sensors share a position.
    """
    streets = street_rows()
    by_street = {n: [] for n in range(len(streets))}
    for kind, count, _mounting in SENSOR_COUNTS:
        for index in range(count):
            by_street[_street_of(kind, index)].append((kind, index))
    positions = {}
    for number, members in by_street.items():
        members.sort(key=lambda m: (m[1], SENSOR_KINDS.index(m[0])))
        coordinates = streets[number]["geometry"]["coordinates"]
        for rank, member in enumerate(members):
            fraction = (rank + 1) / (len(members) + 1)
            # Near a crossing, slide along the street until clear of the
            # sensors of the other street.
            for shift in _SHIFTS:
                point = _point_along(coordinates, min(max(fraction + shift, 0), 1))
                if all(
                    distance_metres(point, other) >= MIN_SPACING_METRES
                    for other in positions.values()
                ):
                    break
            positions[member] = point
    return positions


# Two sensors are never closer than this (the tests check it): at the map's
# closest zoom their 44 px markers stay apart.
MIN_SPACING_METRES = 15
_SHIFTS = [0] + [sign * step / 100 for step in range(2, 20, 2) for sign in (1, -1)]


def distance_metres(a, b):
    """The distance in metres between two (lat, lon) points (equirectangular)."""
    return (
        ((a[0] - b[0]) * 111_320) ** 2 + ((a[1] - b[1]) * 111_320 * _LON_SCALE) ** 2
    ) ** 0.5


# --- Parking zones ----------------------------------------------------------------

ZONE_PATTERN = [
    ("visitor", 14),
    ("delivery", 3),
    ("visitor", 10),
    ("disabled", 2),
    ("delivery", 4),
    ("two_wheeler", 20),
    ("visitor", 18),
    ("delivery", 2),
]


def zone_rows():
    """The 40 parking zones: one per parking sensor, spread over the streets."""
    streets = street_rows()
    positions = _positions()
    rows = []
    for index in range(40):
        street = streets[_street_of("parking_sensor", index)]
        zone_type, capacity = ZONE_PATTERN[index % len(ZONE_PATTERN)]
        lat, lon = positions[("parking_sensor", index)]
        rows.append(
            {
                "code": f"PZ-{index + 1:03d}",
                "street": street["slug"],
                "zone_type": zone_type,
                "capacity": capacity + (index % 3),
                "latitude": lat,
                "longitude": lon,
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [round(lon - 0.0002, 6), lat],
                        [round(lon + 0.0002, 6), lat],
                    ],
                },
            }
        )
    return rows


# --- Sensors ----------------------------------------------------------------------

FIRST_INSTALLATION = datetime.date(2025, 6, 2)
# A sensor out of service, so quality pages show a real gap (assumed).
MAINTENANCE_CODES = {"SND-025"}


def sensor_rows():
    """The 160 sensors: code, kind, street, position, mounting, dataset, zone."""
    streets = street_rows()
    zones = zone_rows()
    positions = _positions()
    rows = []
    offset = 0
    for kind, count, mounting in SENSOR_COUNTS:
        prefix = CODE_PREFIX[kind]
        for index in range(count):
            code = f"{prefix}-{index + 1:03d}"
            zone = zones[index] if kind == "parking_sensor" else None
            street_slug = streets[_street_of(kind, index)]["slug"]
            lat, lon = positions[(kind, index)]
            if kind == "sound_level_meter" and index % 4 == 3:
                this_mounting = "facade"
            else:
                this_mounting = mounting
            rows.append(
                {
                    "code": code,
                    "kind": kind,
                    "street": street_slug,
                    "parking_zone": zone["code"] if zone else None,
                    "latitude": lat,
                    "longitude": lon,
                    "mounting": this_mounting,
                    "installed_on": FIRST_INSTALLATION
                    + datetime.timedelta(days=(index * 7 + offset * 3) % 56),
                    "status": "maintenance" if code in MAINTENANCE_CODES else "active",
                    "dataset": DATASET_BY_KIND[kind],
                }
            )
        offset += 1
    return rows


# --- DTPR helpers for pages and the API ------------------------------------------


def _language(language=None):
    return ((language or get_language() or "fr")[:2]).lower()


def format_duration(days, language=None):
    """A retention duration in words: ``5 ans`` / ``5 years``, ``30 jours``..."""
    french = _language(language) == "fr"
    if days and days % 365 == 0:
        years = days // 365
        if french:
            return f"{years} an" if years == 1 else f"{years} ans"
        return f"{years} year" if years == 1 else f"{years} years"
    if days and days % 30 == 0:
        months = days // 30
        if french:
            return f"{months} mois"
        return f"{months} month" if months == 1 else f"{months} months"
    if french:
        return f"{days} jour" if days == 1 else f"{days} jours"
    return f"{days} day" if days == 1 else f"{days} days"


# Two French slips of the taxonomy, corrected where people read them: the
# agreement of "mises", and "Retenu" (which reads as "selected") for "Retained".
FRENCH_NAME_FIXES = {
    "Données mise à la disposition de tiers": "Données mises à la disposition de tiers",
    "Retenu {{duration}}": "Conservées {{duration}}",
}


def dtpr_element_name(element_id, *, language=None, retention_days=None):
    """The element's name in the language (the id itself when unknown)."""
    entry = DTPR_ELEMENTS.get(element_id)
    if entry is None:
        return element_id
    if _language(language) == "fr":
        name = FRENCH_NAME_FIXES.get(entry[1], entry[1])
    else:
        name = entry[2]
    if "{{duration}}" in name:
        name = name.replace(
            "{{duration}}", format_duration(retention_days or 0, language)
        )
    return name


def dtpr_categories(sheet, *, language=None):
    """The categories of a DTPR sheet, in order, ready for a page or the API.

    Returns a list of dicts: ``key`` (sheet field), ``category`` (DTPR id),
    ``name`` (category name in the language), ``elements`` (list of
    ``{"id", "name"}``) and ``explanation`` (plain words in the language).
    The accountable category lists the organisation itself.
    """
    language = _language(language)
    explanations = sheet.explanations or {}
    categories = []
    for key, category_id, name_fr, name_en in DTPR_CATEGORIES:
        if key == "accountable":
            elements = [
                {
                    "id": "institution",
                    "name": dtpr_element_name("institution", language=language),
                },
                {"id": "", "name": sheet.accountable},
            ]
        else:
            elements = [
                {
                    "id": element_id,
                    "name": dtpr_element_name(
                        element_id,
                        language=language,
                        retention_days=sheet.retention_days,
                    ),
                }
                for element_id in getattr(sheet, key) or []
            ]
        texts = explanations.get(key) or {}
        explanation = texts.get(language) or texts.get("fr", "")
        if language == "fr" or not texts.get(language):
            explanation = french_typography(explanation)
        categories.append(
            {
                "key": key,
                "category": category_id,
                "name": name_fr if language == "fr" else name_en,
                "elements": elements,
                "explanation": explanation,
            }
        )
    return categories
