"""Forms of the check panel and the notes: what an editor posts, validated before a service is called."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from claims.checking.rules import MAX_NOTE_CHARS, MAX_VERDICT_CHARS
from factdesk import roles


def editors():
    """Active users who may work a check (editors and admins), by username.

    One lazy query, whatever the number of users: the review permission held directly or
    through a group, or a superuser (what ``roles.can_review`` asks of the model backend).
    """
    app_label, codename = roles.REVIEW_PERMISSION.split(".")
    may_review = (
        Q(is_superuser=True)
        | Q(pk__in=Permission.objects.filter(content_type__app_label=app_label, codename=codename).values("user"))
        | Q(pk__in=Permission.objects.filter(content_type__app_label=app_label, codename=codename).values("group__user"))
    )
    return get_user_model().objects.filter(may_review, is_active=True).order_by("username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), empty_label=None, label="Assignee",
                                      to_field_name="username")
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = editors()


class TakeUpForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label="Assignee",
                                      empty_label="(nobody yet)", to_field_name="username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = editors()


class DraftForm(forms.Form):
    verdict = forms.CharField(max_length=MAX_VERDICT_CHARS, label="Rating")
    explanation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_NOTE_CHARS)
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 2}), label="Note",
                           help_text="Plain text; @username tells a colleague.")
