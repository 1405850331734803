from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .sentences import event_sentence


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "in_words",
        "verb",
        "actor",
        "target_type",
        "target_id",
    ]
    list_filter = ["verb"]
    list_select_related = ["actor", "target_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=_("what happened"))
    def in_words(self, event):
        return event_sentence(event)
