import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import EraseAccountForm, ProfileForm
from .permissions import is_jury_member, is_organiser
from .services import erase_user, export_personal_data, update_profile


@login_required
@require_GET
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "is_organiser": is_organiser(request.user),
            "is_jury_member": is_jury_member(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_profile(user, actor=user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={"full_name": user.full_name, "language": user.language}
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
def export_data(request):
    payload = json.dumps(
        export_personal_data(request.user), indent=2, ensure_ascii=False
    )
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        'attachment; filename="openbatignolles-personal-data.json"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request):
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        erase_user(user, actor=user)
        messages.success(request, _("Your account and personal data were erased."))
        return redirect("home")
    return render(request, "accounts/erase.html", {"form": form})
