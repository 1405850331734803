"""The DTPR pictograms: a hexagon per category and element of a sheet.

Drawn for this portal in the spirit of the DTPR street signs (Digital Trust
for Places & Routines): a hexagon in the colour of its category with a simple
white icon. They are not the standard's own artwork. Each one is an inline
SVG with ``role="img"`` and a ``<title>`` naming the category and the element,
so a screen reader says what the sign says; colours keep a contrast of at
least 4.5:1 between the icon and the hexagon (WCAG 1.4.11 asks 3:1).

Icons are 24 x 24 strokes and shapes centred in a 48 x 48 view box; the
template tag ``{% dtpr_pictogram %}`` (``datasets/templatetags/dtpr.py``)
draws them.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Dark colours: white icons on them are at least 4.5:1.
CATEGORY_COLOURS = {
    "accountable": "#1d4f91",
    "purpose": "#1e6b43",
    "technology": "#5b3a8c",
    "data_collected": "#8a3b00",
    "processing": "#1f5f6b",
    "storage": "#4a4a4a",
    "access": "#9b1c4f",
    "retention": "#6b4e00",
}

# Icon drawings, by DTPR category id (the sheet's key) and element id. Paths
# use white strokes; ``F`` marks filled shapes.
_CATEGORY_ICONS = {
    "accountable": "M12 20 24 13l12 7M14 21v10M20 21v10M28 21v10M34 21v10M12 34h24",
    "purpose": "M24 14a10 10 0 1 0 .01 0M24 19a5 5 0 1 0 .01 0",
    "technology": "M17 17h14v14H17zM21 13v4M27 13v4M21 31v4M27 31v4M13 21h4M13 27h4"
    "M31 21h4M31 27h4",
    "data_collected": "M16 13h12l4 4v18H16zM20 22h8M20 26h8M20 30h6",
    "processing": "M24 17a7 7 0 1 0 .01 0M24 12v4M24 32v4M12 24h4M32 24h4"
    "M16 16l3 3M29 29l3 3M32 16l-3 3M19 29l-3 3",
    "storage": "M15 16c0-4 18-4 18 0v16c0 4-18 4-18 0zM15 16c0 4 18 4 18 0"
    "M15 24c0 4 18 4 18 0",
    "access": "M19 24a5 5 0 1 0 .01 0M24 24h12M32 24v4M35 24v3",
    "retention": "M16 13h16M16 35h16M18 13c0 8 12 8 12 11s-12 3-12 11M30 13c0 8"
    "-12 8-12 11s12 3 12 11",
}

_ELEMENT_ICONS = {
    "institution": _CATEGORY_ICONS["accountable"],
    "mobility": "M13 20h20l-5-5M35 28H15l5 5",
    "planning_decision_making": "M14 34h20M17 34V26M23 34V18M29 34V22"
    "M15 18l6-5 6 4 6-5",
    "ecology": "M15 33c0-12 8-19 19-20-1 11-8 19-19 20zM15 33l10-10",
    "logistics": "M14 19l10-5 10 5v11l-10 5-10-5zM14 19l10 5 10-5M24 24v11",
    "accessibility": "M24 12a2.5 2.5 0 1 0 .01 0M24 17v9h7l3 7M24 20h6"
    "M20 22a8 8 0 1 0 9 11",
    "safety_security": "M24 12l10 4v7c0 7-4 11-10 13-6-2-10-6-10-13v-7z",
    "health": "M20 14h8v6h6v8h-6v6h-8v-6h-6v-8h6z",
    "energy_efficiency": "M26 12l-10 14h8l-2 10 10-14h-8z",
    "inform": "M24 15v1M24 21v12M21 33h6M21 21h3",
    "person_detection": "M24 14a4.5 4.5 0 1 0 .01 0M15 35c0-7 4-11 9-11s9 4 9 11",
    "passive_infrared_sensor": "M24 29a2 2 0 1 0 .01 0M18 25a8 8 0 0 1 12 0"
    "M14 21a14 14 0 0 1 20 0",
    "radar": "M14 34a10 10 0 0 1 10-10M14 34a16 16 0 0 1 16-16M14 34a22 22 0 0 1 "
    "22-22M14 34l10-10",
    "induction_loop": "M14 18h20v12H14zM18 22h12v4H18zM24 12v6",
    "ultrasonic_level_sensor": "M17 13h14M24 13v6M18 23c4 2 8 2 12 0M16 28c5 3 11 3 "
    "16 0M13 35h22",
    "sound_level_meter": "M14 20h5l6-5v18l-6-5h-5zM29 20c2 2 2 6 0 8"
    "M32 17c4 4 4 10 0 14",
    "motion_detector": "M27 13a3 3 0 1 0 .01 0M26 18l-4 8 5 3v6M22 26l-4 9M25 20l5 4"
    "M12 20h6M12 25h5M12 30h6",
    "values_time": "M24 13a11 11 0 1 0 .01 0M24 17v7l5 3",
    "tabular": "M13 15h22v18H13zM13 21h22M13 27h22M20 15v18M28 15v18",
    "spatial": "M24 35c-6-7-9-12-9-16a9 9 0 0 1 18 0c0 4-3 9-9 16zM24 16a3 3 0 1 0 "
    ".01 0",
    "aggregated": "M32 14H16l9 10-9 10h16",
    "de_identified": "M24 14a4.5 4.5 0 1 0 .01 0M15 35c0-7 4-11 9-11s9 4 9 11"
    "M13 13l22 22",
    "transport_layer_security": "M17 23h14v12H17zM20 23v-4a4 4 0 0 1 8 0v4M24 28v3",
    "encrypted_at_rest": "M14 22h12v11H14zM17 22v-3a3 3 0 0 1 6 0v3M30 15c3 0 5 "
    "2 5 4v12c0 2-2 4-5 4M30 15c-2 0-3 1-3 2",
    "stored_primarily_locally": _CATEGORY_ICONS["storage"],
    "backed_up_locally": "M13 19c0-3 12-3 12 0v11c0 3-12 3-12 0zM13 19c0 3 12 3 12 0"
    "M29 17a7 7 0 0 1 5 12M34 29l-4-1M34 29l1-4",
    "available_to_download": "M24 13v15M18 22l6 6 6-6M14 30v5h20v-5",
    "available_to_3rd_parties": "M17 24a3 3 0 1 0 .01 0M31 16a3 3 0 1 0 .01 0"
    "M31 32a3 3 0 1 0 .01 0M20 23l8-5M20 26l8 5",
    "available_to_the_accountable_organization": "M13 21l11-7 11 7M16 22v9M22 22v9"
    "M28 22v9M13 34h22",
    "data_retained": _CATEGORY_ICONS["retention"],
}

# A pointy-top hexagon filling the 48 x 48 view box.
HEXAGON = "M24 2 43 13v22L24 46 5 35V13z"


def icon_path(category_key, element_id=None):
    """The icon's path for an element, else its category's (never empty)."""
    if element_id and element_id in _ELEMENT_ICONS:
        return _ELEMENT_ICONS[element_id]
    return _CATEGORY_ICONS.get(category_key, _CATEGORY_ICONS["purpose"])


def pictogram_svg(category_key, element_id, label, *, size=48, decorative=False):
    """An accessible SVG pictogram: ``role="img"``, named by ``label`` (its
    ``aria-label`` and its ``<title>``, the tooltip of a pointer).

    ``decorative`` when a visible text beside it says the same: hidden from
    screen readers then, so they do not read the name twice.
    """
    if decorative:
        semantics = mark_safe('aria-hidden="true"')
    else:
        semantics = format_html('role="img" aria-label="{}"', label)
    return format_html(
        '<svg class="dtpr-pictogram" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 48 48" width="{size}" height="{size}" {semantics} '
        'data-dtpr="{element}" focusable="false">'
        "<title>{label}</title>"
        '<path d="{hexagon}" fill="{colour}"/>'
        '<path d="{icon}" fill="none" stroke="#ffffff" stroke-width="2.4" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>',
        size=size,
        semantics=semantics,
        label=label,
        element=element_id or category_key,
        hexagon=HEXAGON,
        colour=CATEGORY_COLOURS.get(category_key, "#4a4a4a"),
        icon=icon_path(category_key, element_id),
    )


def known_icons():
    """The element ids that have their own icon (for tests and docs)."""
    return set(_ELEMENT_ICONS)
