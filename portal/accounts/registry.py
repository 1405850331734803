"""The registry of personal data (RGPD art. 30): every processing the portal
carries out, the models and fields it stores, why, on which legal basis
(art. 6(1)), how long, and how a person's data is erased.

It is the single source of three things:

- the privacy notice (``templates/portal/privacy_notice.html`` renders it, in
  French and English);
- the retention applied by ``manage.py apply_retention`` (the durations below
  are the ones it uses: ``portal.accounts.retention``);
- a test (``tests/portal/test_registry.py``) that walks every installed model
  and fails when one with personal fields (a link to an account, an email, a
  name, a phone number, an address...) is missing here, or is listed here
  with a field it no longer has.

A model that looks personal but is not (a street's name) is listed in
``NOT_PERSONAL`` with the reason.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext_lazy as _


class LegalBasis:
    """The lawful bases of RGPD art. 6(1) the portal relies on."""

    CONSENT = "a"
    CONTRACT = "b"
    LEGAL_OBLIGATION = "c"
    PUBLIC_TASK = "e"

    LABELS = {
        CONSENT: _("Consent (GDPR art. 6(1)(a))"),
        CONTRACT: _("Performance of a contract (GDPR art. 6(1)(b))"),
        LEGAL_OBLIGATION: _("Legal obligation (GDPR art. 6(1)(c))"),
        PUBLIC_TASK: _("Task carried out in the public interest (GDPR art. 6(1)(e))"),
    }


# Retention periods applied by ``apply_retention`` (portal/accounts/retention.py).
ACCOUNT_INACTIVE = timedelta(days=3 * 365)
# Drafts never submitted: deleted this long after their call's deadline.
DRAFT_AFTER_DEADLINE = timedelta(days=90)
# Applications not retained: the default of ``Call.retention_days`` (the
# organiser sets it per call in the back office), counted from the decision.
NOT_RETAINED_DEFAULT_DAYS = 365
# Personal fields of logs, audit events and the sent-email log.
LOGS = timedelta(days=183)
# Messages about a sensor or a dataset.
FEEDBACK = timedelta(days=365)


@dataclass(frozen=True)
class Processing:
    """One processing of personal data, as the register of art. 30 lists it."""

    key: str
    name: object
    data: object
    purpose: object
    legal_basis: str
    retention: object
    erasure: object
    # "app_label.Model" -> the fields holding personal data.
    models: dict = field(default_factory=dict)

    @property
    def legal_basis_label(self):
        return LegalBasis.LABELS[self.legal_basis]


REGISTRY = (
    Processing(
        key="accounts",
        name=_("Accounts"),
        data=_(
            "Email addresses, name, preferred language, password (hashed), "
            "second-factor keys, login dates, sessions, the organiser and partner "
            "roles."
        ),
        purpose=_("Signing in, contacting you about the programme."),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_(
            "Until you erase your account, or 3 years after your last login. "
            "Sessions end at logout or after 14 days; expired ones are deleted "
            "every day."
        ),
        erasure=_(
            "Name and addresses deleted, password and second factor removed; "
            "the account row stays, empty, so past records name no one."
        ),
        models={
            "accounts.User": ("email", "full_name", "last_login", "password"),
            "accounts.OrganiserRole": ("user", "granted_by", "organisation"),
            "accounts.PartnerRole": ("user", "granted_by"),
            "account.EmailAddress": ("user", "email"),
            "account.EmailConfirmation": ("email_address", "key"),
            "mfa.Authenticator": ("user", "data"),
            "accounts.Session": ("user", "session_data"),
            # Django's own table, emptied by accounts.0004 and no longer used.
            "sessions.Session": ("session_data",),
        },
    ),
    Processing(
        key="applications",
        name=_("Applications to a call"),
        data=_(
            "The team's names, email addresses and roles, invitations, the "
            "application's texts and attachments, submissions and their receipts."
        ),
        purpose=_("Examining the applications and deciding on them."),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_(
            "Drafts never submitted: 90 days after the call's deadline. "
            "Applications not retained: the period the organisers set for the "
            "call (1 year after the decision by default). Retained projects: "
            "until the end of the experiment (mid-2030)."
        ),
        erasure=_(
            "You leave the teams of drafts (a draft left without anyone is "
            "deleted with its files); submitted applications keep their content "
            "for the call's record but lose your name and address."
        ),
        models={
            "applications.Application": (
                "created_by",
                "updated_by",
                "organisation_name",
            ),
            "applications.TeamMember": ("user", "job_title"),
            "applications.TeamInvitation": ("email", "invited_by", "token"),
            "applications.Attachment": ("uploaded_by", "file", "original_name"),
            "applications.Submission": ("submitted_by", "content", "pdf"),
        },
    ),
    Processing(
        key="jury",
        name=_("Jury"),
        data=_(
            "Jury seats, declarations of interests, conflicts, assignments, "
            "score sheets, decisions and the jury's dossiers."
        ),
        purpose=_(
            "Keeping conflicted jurors away from an application, the record of "
            "the jury's review."
        ),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_("5 years after the call closes (the experiment's duration)."),
        erasure=_(
            "The free-text declaration is blanked and open invitations are "
            "withdrawn; seats, scores and decisions stay, naming no one."
        ),
        models={
            "jury.JuryInvitation": ("email", "invited_by", "token"),
            "jury.JuryMembership": ("user", "conflict_statement"),
            "jury.Conflict": ("resolved_by",),
            "jury.Assignment": ("created_by",),
            "jury.AssignmentRun": ("requested_by",),
            "jury.Decision": ("decided_by",),
            "jury.Dossier": ("requested_by", "file"),
        },
    ),
    Processing(
        key="workshops",
        name=_("Workshops and the DemoDay"),
        data=_(
            "Registrations, check-ins, feedback, certificates, calendar links, "
            "follow-up actions, minutes and materials, votes and pitch scores."
        ),
        purpose=_(
            "Organising the workshops and the DemoDay, certificates of "
            "attendance, the public prize."
        ),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_(
            "Until the end of the experiment (mid-2030): certificates can be "
            "verified, the DemoDay's results stay on record."
        ),
        erasure=_(
            "Certificates lose the name and their file, feedback its text, "
            "follow-up actions their owner, calendar links are deleted; "
            "registrations and votes stay, naming no one."
        ),
        models={
            "workshops.Workshop": ("facilitators",),
            "workshops.FacilitatorBooking": ("facilitator",),
            "workshops.ProjectInvitation": ("answered_by",),
            "workshops.Registration": ("user", "checked_in_by", "checkin_token"),
            "workshops.CalendarFeed": ("user", "token"),
            "workshops.Minutes": ("author",),
            "workshops.Material": ("uploaded_by", "original_name"),
            "workshops.FollowUpAction": ("owner", "owner_name"),
            "workshops.FeedbackResponse": ("registration", "useful", "improve"),
            "workshops.FeedbackInvitation": ("registration",),
            "workshops.Certificate": ("registration", "holder_name", "file"),
            "workshops.CertificateRun": ("requested_by",),
            "workshops.Vote": ("voter", "registration"),
            "workshops.DemoDayJuror": ("user",),
            "workshops.PitchScore": ("juror",),
        },
    ),
    Processing(
        key="data_access",
        name=_("Access to the data"),
        data=_(
            "Data access grants, API keys (never their secret), the data "
            "charter's signatures, reports of leaked keys."
        ),
        purpose=_(
            "Fair use of the API, traceability of the fine data, revocation if "
            "the charter is breached."
        ),
        legal_basis=LegalBasis.CONTRACT,
        retention=_(
            "While the access runs, then until the end of the experiment (mid-2030)."
        ),
        erasure=_(
            "Your grants and keys are revoked; the Project's charter signature "
            "stays without your name."
        ),
        models={
            "access.DataGrant": ("holder", "granted_by"),
            "access.ApiKey": ("created_by", "name", "allowed_networks"),
            "access.CharterSignature": ("signer", "signer_name"),
        },
    ),
    Processing(
        key="feedback",
        name=_("Messages about a sensor or a dataset"),
        data=_("Your name, email address and message."),
        purpose=_("Answering residents' questions and remarks."),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_("1 year."),
        erasure=_("Deleted."),
        models={
            "datasets.Feedback": ("author", "name", "email", "message"),
        },
    ),
    Processing(
        key="emails",
        name=_("Emails the portal sends"),
        data=_("Recipient address, subject, text, attachments, delivery state."),
        purpose=_(
            "Sending them again if the mail server fails; showing organisers "
            "whether they arrived."
        ),
        legal_basis=LegalBasis.PUBLIC_TASK,
        retention=_(
            "The address, the text and the attachments: 6 months after sending. "
            "The subject and dates stay for the record."
        ),
        erasure=_("Address, text and attachments blanked; waiting emails not sent."),
        models={
            "outbox.OutgoingEmail": ("to", "reply_to", "subject", "body"),
            "outbox.OutgoingAttachment": ("content", "filename"),
            "applications.SentEmail": ("to", "subject", "body", "sent_by"),
        },
    ),
    Processing(
        key="audit",
        name=_("Audit trail and logs"),
        data=_(
            "Who changed what and when (the values before and after), the "
            "server's logs, the administration's history."
        ),
        purpose=_("Traceability of decisions, security."),
        legal_basis=LegalBasis.LEGAL_OBLIGATION,
        retention=_(
            "The events: 5 years. The names and addresses they carry, and the "
            "logs: 6 months."
        ),
        erasure=_("The event stays, your name and addresses are removed from it."),
        models={
            "audit.AuditEvent": ("actor", "before", "after", "data"),
            "admin.LogEntry": ("user", "object_repr", "change_message"),
            "dashboard.AnnualReport": ("requested_by",),
        },
    ),
)

# Models whose fields look personal but are not, with the reason.
NOT_PERSONAL = {
    "auth.Group": _("Names of permission groups."),
    "auth.Permission": _("Names of permissions."),
    "datasets.Street": _("Street names."),
    "datasets.DtprSheet": _("The organisation accountable for a sensor."),
    "workshops.Room": _("Rooms of the Mairie and their address."),
    "applications.EmailTemplate": _("Names of email templates."),
    "applications.Project": _("Public names of retained projects."),
    "workshops.Slot": _("Labels of the DemoDay's running order."),
}


def registered_models():
    """``{"app_label.Model": Processing}`` for every registered model."""
    return {label: entry for entry in REGISTRY for label in entry.models}
