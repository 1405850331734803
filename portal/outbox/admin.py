from django.contrib import admin

from .models import OutgoingAttachment, OutgoingEmail


class OutgoingAttachmentInline(admin.TabularInline):
    model = OutgoingAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read only: emails change state through the outbox services only."""

    list_display = ["created_at", "to", "subject", "kind", "state", "attempts"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "idempotency_key", "about"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    inlines = [OutgoingAttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
