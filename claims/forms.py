"""Forms of the review screens: they validate what an editor sends before a service sees it."""
from __future__ import annotations

from django import forms
from django.db.models import F

from articles.models import Outlet
from claims.models import ClaimKind, MatchRelation, SpeakerKind

# The queue's orderings, per tab: key -> (label, order_by fields). The first is the default.
CANDIDATE_SORTS = {
    "-confidence": ("Most confident first", ("-confidence", "-id")),
    "confidence": ("Least confident first", ("confidence", "id")),
    "-published": ("Newest first", ("-article__published_at", "-id")),
    "published": ("Oldest first", ("article__published_at", "id")),
    "outlet": ("Outlet", ("article__outlet__name", "-confidence", "-id")),
    "speaker": ("Speaker", ("speaker__name", "-confidence", "-id")),
}
CLAIM_SORTS = {
    "value": ("Editorial value", ("-triage_value", "-id")),
    # Claims whose every report is undated (first reported: date unknown) come last either way.
    "-reported": ("Newest first", (F("first_reported_at").desc(nulls_last=True), "-id")),
    "reported": ("Oldest first", (F("first_reported_at").asc(nulls_last=True), "id")),
    "speaker": ("Speaker", ("speaker__name", "-triage_value", "-id")),
}
MATCH_SORTS = {
    "-score": ("Best match first", ("-score", "-id")),
    "score": ("Weakest match first", ("score", "id")),
    "-published": ("Newest first", ("-candidate__article__published_at", "-id")),
    "outlet": ("Outlet", ("candidate__article__outlet__name", "-score", "-id")),
}


class QueueSortForm(forms.Form):
    """The queue's order; an unknown ``sort`` falls back to the tab's default."""

    sort = forms.ChoiceField(required=False)

    def __init__(self, *args, sorts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.sorts = sorts
        self.fields["sort"].choices = [(key, label) for key, (label, _) in sorts.items()]

    def ordering(self) -> tuple[str, ...]:
        key = (self.cleaned_data.get("sort") if self.is_valid() else "") or next(iter(self.sorts))
        return self.sorts[key][1]


def dress_queue_filters(form):
    """The API's filter form (claims.api.filters), given the queue screen's widgets and labels.

    The fields, their validation and what they filter stay the API's; only how they look changes.
    """
    fields = form.fields
    fields["outlet"].widget = forms.Select(
        choices=[("", "All outlets"), *Outlet.objects.order_by("name").values_list("pk", "name")]
    )
    fields["kind"].widget = forms.Select(choices=[("", "All kinds"), *ClaimKind.choices])
    if "relation" in fields:
        fields["relation"].widget = forms.Select(choices=[("", "All relations"), *MatchRelation.choices])
    if "fact_checked" in fields:
        fields["fact_checked"].widget = forms.Select(
            choices=[("", "All claims"), ("true", "Fact-checked before"), ("false", "Not fact-checked")]
        )
    if "speaker_name" in fields:
        fields["speaker_name"].widget = forms.TextInput(attrs={"placeholder": "name or alias"})
    if "q" in fields:
        fields["q"].widget = forms.TextInput(attrs={"placeholder": "words or speaker"})
    for name in ("min_confidence", "min_score"):
        if name in fields:
            fields[name].widget = forms.NumberInput(attrs={"step": "0.05", "placeholder": "0.0"})
    for name in ("published_after", "published_before"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"})
    return form


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


class ClassDecisionForm(forms.Form):
    """A decision over a class of proposals: the unattributed candidates of one article or outlet,
    or the verbatim matches scoring at least ``min_score``."""

    action = forms.ChoiceField(choices=[("reject_unattributed", "Reject every unattributed candidate"),
                                        ("accept_verbatim", "Accept every verbatim match")])
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    outlet = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    min_score = forms.FloatField(required=False, min_value=0.5, max_value=1.0, label="Score at least")
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject_unattributed" and bool(data.get("article")) == bool(data.get("outlet")):
            raise forms.ValidationError("Choose one outlet (or open one article) to reject its unattributed candidates.")
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
