"""The organisers' overview: the agenda of every workshop and DemoDay session,
and the participation and no-show figures per workshop."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal import charts

from ..enums import RegistrationState, WorkshopState
from ..filters import AgendaFilter, Period
from ..models import FacilitatorBooking, Workshop

PARIS = ZoneInfo("Europe/Paris")
R = RegistrationState


def _counted(queryset):
    return queryset.annotate(
        confirmed=Count("registrations", filter=Q(registrations__state=R.CONFIRMED)),
        waitlisted=Count("registrations", filter=Q(registrations__state=R.WAITLISTED)),
        cancelled=Count("registrations", filter=Q(registrations__state=R.CANCELLED)),
        checked_in=Count(
            "registrations", filter=Q(registrations__checked_in_at__isnull=False)
        ),
        absent=Count(
            "registrations",
            filter=Q(
                registrations__state=R.CONFIRMED,
                registrations__checked_in_at__isnull=True,
            ),
        ),
    )


def agenda_filter(params, *, now=None):
    """The FilterSet of the agenda (every workshop and session, drafts too),
    with rooms, facilitators and seat counts; upcoming ones by default."""
    queryset = _counted(
        Workshop.objects.select_related("room", "call", "demoday")
        .prefetch_related(
            Prefetch(
                "facilitator_bookings",
                queryset=FacilitatorBooking.objects.filter(active=True)
                .select_related("facilitator")
                .order_by("id"),
                to_attr="active_bookings",
            )
        )
        .order_by("starts_at", "id")
    )
    return AgendaFilter(
        params, queryset=queryset, now=now, default_period=Period.UPCOMING
    )


@dataclass
class Week:
    monday: datetime.date
    workshops: list

    @property
    def sunday(self):
        return self.monday + datetime.timedelta(days=6)


def by_week(workshops):
    """The workshops grouped by their week (Monday to Sunday, Paris time)."""
    weeks = []
    for workshop in workshops:
        day = timezone.localtime(workshop.starts_at, PARIS).date()
        monday = day - datetime.timedelta(days=day.weekday())
        if not weeks or weeks[-1].monday != monday:
            weeks.append(Week(monday=monday, workshops=[]))
        weeks[-1].workshops.append(workshop)
    return weeks


@dataclass
class ParticipationRow:
    workshop: Workshop
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    no_shows: int | None  # None until the workshop is over

    @property
    def no_show_rate(self):
        if self.no_shows is None or not self.confirmed:
            return None
        return round(100 * self.no_shows / self.confirmed, 1)


def participation(params, *, now=None):
    """The FilterSet and the figures per published workshop: confirmed,
    waiting, cancelled, checked in, and no-shows (confirmed but not checked
    in) once the workshop is over."""
    now = now or timezone.now()
    queryset = _counted(
        Workshop.objects.filter(state=WorkshopState.PUBLISHED)
        .select_related("call")
        .order_by("starts_at", "id")
    )
    filterset = AgendaFilter(
        params, queryset=queryset, now=now, default_period=Period.ALL
    )
    rows = [
        ParticipationRow(
            workshop=workshop,
            confirmed=workshop.confirmed,
            waitlisted=workshop.waitlisted,
            cancelled=workshop.cancelled,
            checked_in=workshop.checked_in,
            no_shows=workshop.absent if workshop.ends_at <= now else None,
        )
        for workshop in filterset.qs
    ]
    return filterset, rows


def _label(workshop):
    day = formats.date_format(timezone.localtime(workshop.starts_at, PARIS), "j N Y")
    return f"{day} · {workshop.display_title}"


def participation_charts(rows):
    """Two Chart.js configurations: the registrations per workshop, and the
    no-show rate of the workshops that are over."""
    labels = [_label(row.workshop) for row in rows]
    counts = charts.chart(
        "bar",
        labels,
        [
            charts.dataset(
                _("Checked in"), [r.checked_in for r in rows], color="#1d7a46"
            ),
            charts.dataset(
                _("No-shows"), [r.no_shows or 0 for r in rows], color="#b3261e"
            ),
            charts.dataset(
                _("Confirmed, not yet held"),
                [r.confirmed if r.no_shows is None else 0 for r in rows],
                color="#1d4f91",
            ),
            charts.dataset(
                _("Waiting list"), [r.waitlisted for r in rows], color="#b26b00"
            ),
            charts.dataset(
                _("Cancelled"), [r.cancelled for r in rows], color="#6b6b6b"
            ),
        ],
        title=_("Registrations per workshop"),
        unit=_("people"),
        stacked=True,
        integers=True,
    )
    past = [row for row in rows if row.no_show_rate is not None]
    rate = charts.chart(
        "bar",
        [_label(row.workshop) for row in past],
        [
            charts.dataset(
                _("No-show rate"), [row.no_show_rate for row in past], color="#b3261e"
            )
        ],
        title=_("No-show rate of the past workshops"),
        unit="%",
        legend=False,
    )
    return counts, rate
