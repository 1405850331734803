"""Jury pages: membership (phases, invitations, declarations, conflicts).

``declaration_required`` guards every juror page of a call: the other jury
pages use it as ``@declaration_required`` on views taking the call's ``slug``.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from ..models import JuryMembership


def declaration_required(view):
    """View decorator for a juror's page of a call (URL keyword ``slug``).

    404 unless the user sits on the jury of that call; until they have made
    their declaration of interests, redirect to the declaration page. Sets
    ``request.jury_membership`` (with its ``call``) for the view.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = (
            JuryMembership.objects.select_related("call", "user")
            .filter(call__slug=kwargs.get("slug"), user_id=request.user.pk)
            .first()
            if request.user.is_authenticated
            else None
        )
        if membership is None:
            raise Http404
        if not membership.has_declared:
            return redirect("jury:declaration", slug=membership.call.slug)
        request.jury_membership = membership
        return view(request, *args, **kwargs)

    return wrapper


# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = []
# The accept link of an invitation, mounted at /invitation-jury/ (outside
# /jury/, which hides everything from someone not yet on a jury).
invitation_urls = []
