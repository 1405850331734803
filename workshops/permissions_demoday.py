"""Who may do what at a DemoDay: predicates ``(user, demoday) -> bool``."""

import rules

from portal.accounts.permissions import is_authenticated


@rules.predicate
def is_demoday_juror(user, demoday):
    if not is_authenticated(user) or demoday is None:
        return False
    return demoday.jurors.filter(user_id=user.pk).exists()


@rules.predicate
def results_are_published(user, demoday):
    return demoday is not None and demoday.results_published_at is not None


@rules.predicate
def order_is_published(user, demoday):
    return demoday is not None and demoday.order_published_at is not None


# A juror scores once the running order is out, until the results are.
can_score_pitches = is_demoday_juror & order_is_published & ~results_are_published
