"""Every change to an application goes through these functions, by area.

Each one runs in a transaction, locks the rows it changes, checks the allowed
transitions (``APPLICATION_TRANSITIONS`` in ``enums.py``), saves with
``update_fields``, records an audit event and queues its side effects with
``transaction.on_commit``. Reads live in ``applications/selectors.py``.

The names below are re-exported so ``from applications.services import x``
keeps working; new code imports from the module of its area.
"""

from .attachments import MEGABYTE, add_attachment, remove_attachment
from .base import (
    ApplicationStateError,
    DeadlinePassedError,
    EditConflictError,
    IncompleteApplicationError,
    NotEligibleError,
    TeamError,
)
from .calls import CallError, publish_call, save_call, unpublish_call
from .drafts import (
    DATASET_KEY,
    EDITABLE_STATES,
    EXTRA_KEY,
    INDICATOR_COUNT,
    INDICATOR_KEY,
    SCALAR_FIELDS,
    SUMMARY_MAX_LENGTH,
    DraftSaveResult,
    check_editable,
    deadline_passed_error,
    is_draft_field,
    read_draft_value,
    save_draft,
)
from .emails import (
    queue_invitation_email,
    queue_state_email,
    queue_submission_receipt,
    queue_team_emails,
    render_team_email,
    save_email_template,
)
from .review import (
    change_state,
    check_admissibility_open,
    create_project,
    decide_application,
    mark_admissible,
    mark_inadmissible,
    start_review,
)
from .submission import (
    application_content,
    completeness_problems,
    content_fingerprint,
    submit_application,
    withdraw_application,
)
from .team import (
    accept_invitation,
    create_application,
    eligibility_problems,
    invite_member,
    remove_member,
    revoke_invitation,
)

__all__ = [
    "DATASET_KEY",
    "EDITABLE_STATES",
    "EXTRA_KEY",
    "INDICATOR_COUNT",
    "INDICATOR_KEY",
    "MEGABYTE",
    "SCALAR_FIELDS",
    "SUMMARY_MAX_LENGTH",
    "ApplicationStateError",
    "CallError",
    "DeadlinePassedError",
    "DraftSaveResult",
    "EditConflictError",
    "IncompleteApplicationError",
    "NotEligibleError",
    "TeamError",
    "accept_invitation",
    "add_attachment",
    "application_content",
    "change_state",
    "check_admissibility_open",
    "check_editable",
    "completeness_problems",
    "content_fingerprint",
    "create_application",
    "create_project",
    "deadline_passed_error",
    "decide_application",
    "eligibility_problems",
    "invite_member",
    "is_draft_field",
    "mark_admissible",
    "mark_inadmissible",
    "publish_call",
    "queue_invitation_email",
    "queue_state_email",
    "queue_submission_receipt",
    "queue_team_emails",
    "read_draft_value",
    "remove_attachment",
    "remove_member",
    "render_team_email",
    "revoke_invitation",
    "save_call",
    "save_draft",
    "save_email_template",
    "start_review",
    "submit_application",
    "unpublish_call",
    "withdraw_application",
]
