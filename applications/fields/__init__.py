"""The one registry of an application's fields.

Every place that lists the fields of an application reads them here: the form
(its sections, their order, each input), the completeness check before
submission, the content frozen at submission, the receipt PDF, the organisers'
CSV and the back-office page.

The frozen content keeps codes ("15min", "no", a size in bytes): they are data,
and the fingerprint is computed over them. What a person reads always goes
through ``readable``, for the live application and for old submissions alike.
"""

from .content import content_value, field_problems, freeze, frozen_value
from .display import (
    content_sections,
    question_rows,
    readable,
    readable_answer,
    readable_input,
)
from .registry import (
    CONTENT_FIELDS,
    EMPTY,
    FIELDS,
    INDICATOR_COUNT,
    RECORD_FIELDS,
    SECTIONS,
    Field,
    Kind,
    Section,
    field,
    list_field_names,
    scalar_field_names,
    sections,
)

__all__ = [
    "CONTENT_FIELDS",
    "EMPTY",
    "FIELDS",
    "INDICATOR_COUNT",
    "RECORD_FIELDS",
    "SECTIONS",
    "Field",
    "Kind",
    "Section",
    "content_sections",
    "content_value",
    "field",
    "field_problems",
    "freeze",
    "frozen_value",
    "list_field_names",
    "question_rows",
    "readable",
    "readable_answer",
    "readable_input",
    "scalar_field_names",
    "sections",
]
