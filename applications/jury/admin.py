from django.contrib import admin

from .models import JuryMembership


@admin.register(JuryMembership)
class JuryMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "call", "organisation"]
    list_select_related = ["user", "call"]
