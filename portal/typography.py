"""French typography: the non-breaking spaces French puts around punctuation.

A non-breaking space (U+00A0) before a colon and inside « », a narrow one
(U+202F) before ; ! ? and %, and the typographic apostrophe (’) between
letters. Applied to every French message of the catalogue
by scripts/merge_translations.py, and to French texts the portal holds as data
(the DTPR sheets' explanations) where they are shown.
"""

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACES = "[ \u00a0\u202f]"
_RULES = [
    (re.compile(SPACES + "+([;!?])"), NNBSP + r"\1"),
    (re.compile(SPACES + "+:"), NBSP + ":"),
    (re.compile("«" + SPACES + "*"), "«" + NBSP),
    (re.compile(SPACES + "*»"), NBSP + "»"),
    (re.compile("(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])"), "’"),
]
# A literal percent sign: "%%" in a python-format string, "%" elsewhere.
_PERCENT_FORMAT = re.compile(SPACES + "+%%")
_PERCENT_PLAIN = re.compile(SPACES + r"+%(?=[\s.,;)]|$)")


def french_typography(text, *, python_format=False):
    """``text`` with the non-breaking spaces of French typography."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    if python_format:
        return _PERCENT_FORMAT.sub(NNBSP + "%%", text)
    return _PERCENT_PLAIN.sub(NNBSP + "%", text)
