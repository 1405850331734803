from django.contrib import admin

from .models import (
    Assignment,
    Conflict,
    Criterion,
    Decision,
    Grid,
    JuryInvitation,
    JuryMembership,
)


@admin.register(JuryMembership)
class JuryMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "call", "organisation", "declared_at"]
    list_select_related = ["user", "call"]


@admin.register(JuryInvitation)
class JuryInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "call", "created_at", "accepted_at", "revoked_at"]
    list_select_related = ["call"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["membership", "application", "source", "status"]
    list_filter = ["source", "status"]
    list_select_related = ["membership__user", "membership__call", "application"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["membership", "application", "origin", "created_at"]
    list_select_related = ["membership__user", "membership__call", "application"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["call", "version", "locked_at"]
    inlines = [CriterionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "outcome", "decided_at", "released_at"]
    list_select_related = ["application"]
