"""The technical Django admin (is_staff only). Organisers use the back office."""

from django.contrib import admin

from .models import (
    Application,
    Attachment,
    Call,
    DataCharter,
    EmailTemplate,
    ExtraQuestion,
    RequestedDataset,
    SentEmail,
    Submission,
    TeamInvitation,
    TeamMember,
)


@admin.register(DataCharter)
class DataCharterAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on"]


class ExtraQuestionInline(admin.TabularInline):
    model = ExtraQuestion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_fr", "opens_at", "closes_at", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["slug", "title_fr", "title_en"]
    filter_horizontal = ["datasets"]
    inlines = [ExtraQuestionInline]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["user"]


class RequestedDatasetInline(admin.TabularInline):
    model = RequestedDataset
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "size", "sha256", "is_pitch_deck", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "organisation_name",
        "applicant_type",
        "state",
        "call",
    ]
    list_filter = ["call", "state", "applicant_type"]
    search_fields = ["reference", "title", "organisation_name"]
    list_select_related = ["call"]
    # The state changes only through the services (audited).
    readonly_fields = ["state", "state_changed_at", "version", "submitted_at"]
    raw_id_fields = ["created_by", "updated_by"]
    inlines = [TeamMemberInline, RequestedDatasetInline, AttachmentInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["application", "number", "submitted_at", "sha256"]
    list_select_related = ["application"]
    readonly_fields = ["application", "number", "content", "sha256", "submitted_at"]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "application", "created_at", "accepted_at", "revoked_at"]
    list_select_related = ["application"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "subject_fr"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "application", "kind", "subject", "delivery_status"]
    list_filter = ["kind"]
    list_select_related = ["application"]
    readonly_fields = [f.name for f in SentEmail._meta.fields]
    exclude = ["deliveries"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries")
