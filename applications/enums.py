from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantType(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Association")
    SCHOOL = "school", _("School")
    RESEARCH_LAB = "research_lab", _("Research lab")
    CITIZEN_COLLECTIVE = "citizen_collective", _("Citizen collective")


class Theme(models.TextChoices):
    MOBILITY = "mobility", _("Mobility")
    TRANQUILLITY = "tranquillity", _("Public tranquillity (noise)")
    ENERGY = "energy", _("Energy management")
    CLEANLINESS = "cleanliness", _("Cleanliness")
    PEDESTRIAN_FLOWS = "pedestrian_flows", _("Pedestrian-flow analysis")
    PARKING = "parking", _("Parking occupancy")


class Maturity(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    PRODUCT = "product", _("Product")


class Granularity(models.TextChoices):
    QUARTER_HOUR = "15min", _("15 minutes")
    HOUR = "hour", _("Hourly")
    DAY = "day", _("Daily")


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Co-applicant")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes / no")
    FILE = "file", _("File (PDF)")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ADMISSIBLE = "admissible", _("Admissible")
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    UNDER_REVIEW = "under_review", _("Under review")
    RETAINED = "retained", _("Retained")
    WAITING_LIST = "waiting_list", _("Waiting list")
    NOT_RETAINED = "not_retained", _("Not retained")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationState
# The only allowed changes of state. Services check against this table.
APPLICATION_TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ADMISSIBLE, S.INADMISSIBLE, S.WITHDRAWN},
    S.ADMISSIBLE: {S.UNDER_REVIEW, S.INADMISSIBLE, S.WITHDRAWN},
    S.INADMISSIBLE: {S.ADMISSIBLE},
    S.UNDER_REVIEW: {S.RETAINED, S.WAITING_LIST, S.NOT_RETAINED, S.WITHDRAWN},
    S.WAITING_LIST: {S.RETAINED, S.NOT_RETAINED},
    S.RETAINED: set(),
    S.NOT_RETAINED: set(),
    S.WITHDRAWN: set(),
}
DECISION_STATES = {S.RETAINED, S.WAITING_LIST, S.NOT_RETAINED}
del S


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ProjectState(models.TextChoices):
    ACTIVE = "active", _("In the programme")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


P = ProjectState
# The only allowed changes of a Project's state through the programme.
PROJECT_TRANSITIONS = {
    P.ACTIVE: {P.COMPLETED, P.WITHDRAWN},
    P.COMPLETED: set(),
    P.WITHDRAWN: set(),
}
del P


class CallPhase(models.TextChoices):
    SUBMISSION = "submission", _("Applications open")
    ADMISSIBILITY = "admissibility", _("Admissibility check")
    REVIEW = "review", _("Jury review")
    DELIBERATION = "deliberation", _("Deliberation")
    RELEASED = "released", _("Decisions released")


CP = CallPhase
# The phases a call moves through; the organiser moves it on. Deliberation may
# go back to review (a late sheet); released is final.
CALL_PHASE_TRANSITIONS = {
    CP.SUBMISSION: {CP.ADMISSIBILITY},
    CP.ADMISSIBILITY: {CP.REVIEW},
    CP.REVIEW: {CP.DELIBERATION},
    CP.DELIBERATION: {CP.REVIEW, CP.RELEASED},
    CP.RELEASED: set(),
}
del CP
