"""Public pages of the calls and the applicant's pages.

Views are thin: they check permissions (``permissions.py``), call services and
render. An application outside the user's reach answers 404; a visible one the
user may not change answers 403.
"""

from .applicant import (
    application_detail,
    attachment_delete,
    attachment_download,
    attachment_upload,
    invitation_accept,
    invitation_revoke,
    my_applications,
    next_step,
    receipt,
    submit,
    team,
    team_remove,
    withdraw,
)
from .common import make_draft_token, render_markdown, user_from_draft_token
from .drafting import application_edit, autosave
from .public import apply, call_detail, call_list

__all__ = [
    "application_detail",
    "application_edit",
    "apply",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "autosave",
    "call_detail",
    "call_list",
    "invitation_accept",
    "invitation_revoke",
    "make_draft_token",
    "my_applications",
    "next_step",
    "receipt",
    "render_markdown",
    "submit",
    "team",
    "team_remove",
    "user_from_draft_token",
    "withdraw",
]
