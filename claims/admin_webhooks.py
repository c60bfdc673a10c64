"""Admin for webhooks and their delivery log.

The secret is write-only: the form takes a new one (required when creating, optional when
editing, where blank keeps the current one) and never renders it back. The URL is checked
(https, no private addresses) by ``Webhook.clean`` when the form validates.
"""
from django import forms
from django.contrib import admin, messages

from claims.models import DeliveryStatus, Webhook, WebhookDelivery
from claims.webhooks import _enqueue


class WebhookForm(forms.ModelForm):
    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        min_length=16,
        max_length=200,
        help_text="At least 16 characters, shared with the receiver. Leave blank to keep the current secret.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "on_confirmed", "on_merged", "on_cited", "on_verdict", "on_factcheck_linked", "active"]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret:
            if not self.instance.pk or not self.instance.secret:
                raise forms.ValidationError("A new webhook needs a secret.")
            return self.instance.secret
        return secret


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "active", "on_confirmed", "on_merged", "on_cited", "on_verdict", "on_factcheck_linked", "created_by", "created_at"]
    list_filter = ["active", "on_confirmed", "on_merged", "on_cited", "on_verdict", "on_factcheck_linked"]
    search_fields = ["name", "url"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "webhook", "event", "status", "attempts", "response_code", "next_attempt_at", "delivered_at", "created_at"]
    list_filter = ["status", "event", "webhook"]
    list_select_related = ["webhook"]
    readonly_fields = [
        "webhook", "event", "payload", "attempts", "status", "response_code", "last_error", "next_attempt_at", "delivered_at",
        "created_at",
    ]
    date_hierarchy = "created_at"
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False  # deliveries are made by events, never by hand

    @admin.action(description="Send the selected deliveries again")
    def redeliver(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(status=DeliveryStatus.PENDING, attempts=0, last_error="")
        for delivery_id in ids:
            _enqueue(delivery_id)
        self.message_user(request, f"{len(ids)} deliveries queued again.", messages.SUCCESS)
