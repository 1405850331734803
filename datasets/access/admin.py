"""Django admin for data access, read-only: grants and keys change through
the services (the back office under /gestion/donnees/acces/), which revoke
cached keys and write the audit trail."""

from django.contrib import admin

from .models import ApiKey, DataGrant


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ["name", "prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DataGrant)
class DataGrantAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "holder", "created_at", "expires_at", "revoked_at"]
    list_select_related = ["project", "holder"]
    search_fields = ["project__name", "legacy_project", "holder__email"]
    inlines = [ApiKeyInline]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "grant", "created_at", "expires_at"]
    list_select_related = ["grant__project"]
    search_fields = ["prefix", "name"]
    exclude = ["digest"]
