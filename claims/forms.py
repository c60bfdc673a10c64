"""Forms of the review screens: they validate what an editor sends before a service sees it."""
from __future__ import annotations

from django import forms

from articles.models import Outlet
from claims.models import ClaimKind, MatchRelation, SpeakerKind

QUEUE_SORTS = {
    "-confidence": ("-confidence", "-id"),
    "confidence": ("confidence", "id"),
    "-published": ("-article__published_at", "-id"),
    "published": ("article__published_at", "id"),
    "outlet": ("article__outlet__name", "-confidence", "-id"),
    "speaker": ("speaker__name", "-confidence", "-id"),
}
MATCH_SORTS = {
    "-score": ("-score", "-id"),
    "score": ("score", "id"),
    "-published": ("-candidate__article__published_at", "-id"),
    "outlet": ("candidate__article__outlet__name", "-score", "-id"),
}


class QueueFilterForm(forms.Form):
    """Filters of the review queue. Every field is optional; bad values are ignored, not fatal."""

    tab = forms.ChoiceField(choices=[("candidates", "Candidates"), ("matches", "Suggested matches")], required=False)
    outlet = forms.ModelChoiceField(queryset=Outlet.objects.order_by("name"), required=False, empty_label="All outlets")
    speaker = forms.CharField(required=False, max_length=200, label="Speaker",
                              widget=forms.TextInput(attrs={"placeholder": "name or alias"}))
    kind = forms.ChoiceField(choices=[("", "All kinds"), *ClaimKind.choices], required=False)
    relation = forms.ChoiceField(choices=[("", "All relations"), *MatchRelation.choices], required=False)
    min_confidence = forms.FloatField(required=False, min_value=0, max_value=1, label="Min. confidence",
                                      widget=forms.NumberInput(attrs={"step": "0.05", "placeholder": "0.0"}))
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("-confidence", "Most confident first"),
            ("confidence", "Least confident first"),
            ("-published", "Newest first"),
            ("published", "Oldest first"),
            ("outlet", "Outlet"),
            ("speaker", "Speaker"),
            ("-score", "Best match first"),
            ("score", "Weakest match first"),
        ],
    )


class DecisionForm(forms.Form):
    """A decision on one row; ``revision`` is the row's revision the editor saw (optimistic locking)."""

    revision = forms.IntegerField(required=False, min_value=1)
    next = forms.CharField(required=False, max_length=2000)


class BulkForm(forms.Form):
    """A bulk decision over the rows ticked in the queue."""

    MAX_ROWS = 500

    action = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject"), ("accept", "Accept"),
                                        ("reject_match", "Reject")])
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        ids = []
        for value in raw:
            if not str(value).isdigit():
                raise forms.ValidationError("The selection holds something that is not a row number.")
            ids.append(int(value))
        if not ids:
            raise forms.ValidationError("Tick at least one row first.")
        if len(ids) > self.MAX_ROWS:
            raise forms.ValidationError(f"Select at most {self.MAX_ROWS} rows at a time.")
        data["ids"] = list(dict.fromkeys(ids))
        return data


class CandidateEditForm(DecisionForm):
    start = forms.IntegerField(required=False, min_value=0)
    end = forms.IntegerField(required=False, min_value=1)
    speaker_name = forms.CharField(required=False, max_length=300, label="Speaker")

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None and data["end"] <= data["start"]:
            raise forms.ValidationError("The span must end after it starts.")
        return data


class ClaimEditForm(DecisionForm):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    speaker_name = forms.CharField(required=False, max_length=300, label="Speaker")
    rating = forms.CharField(required=False, max_length=100)
    rating_explanation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                                         label="Rating explanation")


class CiteForm(forms.Form):
    claim = forms.IntegerField(min_value=1, label="Claim number")
    article = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None and data["end"] <= data["start"]:
            raise forms.ValidationError("Select some text first: the span must end after it starts.")
        return data


class MergeForm(forms.Form):
    source = forms.IntegerField(min_value=1)
    target = forms.IntegerField(min_value=1)
    allow_other_speaker = forms.BooleanField(required=False, label="Merge even though the speakers differ")
    next = forms.CharField(required=False, max_length=2000)


class SpeakerEditForm(forms.Form):
    name = forms.CharField(required=False, max_length=300)
    kind = forms.ChoiceField(choices=SpeakerKind.choices, required=False)
    add_aliases = forms.CharField(required=False, max_length=2000, label="Add aliases",
                                  help_text="One per line or separated by semicolons.",
                                  widget=forms.Textarea(attrs={"rows": 2}))
    remove_aliases = forms.MultipleChoiceField(required=False, choices=[], label="Remove aliases",
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, speaker=None, **kwargs):
        super().__init__(*args, **kwargs)
        if speaker is not None:
            self.fields["name"].initial = speaker.name
            self.fields["kind"].initial = speaker.kind
            self.fields["remove_aliases"].choices = [(a.alias, a.alias) for a in speaker.aliases.all()]

    def clean_add_aliases(self):
        raw = self.cleaned_data.get("add_aliases") or ""
        return [part.strip() for line in raw.splitlines() for part in line.split(";") if part.strip()]


class SpeakerMergeForm(forms.Form):
    source = forms.IntegerField(min_value=1)
    target = forms.IntegerField(min_value=1)
