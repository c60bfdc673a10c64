"""The Import screen's form: several files, an optional outlet and publication date, an optional URL for the worker."""
from __future__ import annotations

from django import forms
from django.conf import settings

from articles.fetching import FetchRefused, check_url
from articles.importers.decoding import human_size
from articles.models import SourceFormat

FORMAT_CHOICES = [("", "Detect from each file")] + [(c, label) for c, label in SourceFormat.choices if c != SourceFormat.URL]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported in its own result row ("it is empty"), not as a form error
        # that would stop the other files.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        label="Files",
        help_text="Plain text, HTML pages, JSON, JSON Lines or RSS/Atom feeds. You can pick several at once.",
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Format")
    outlet = forms.CharField(
        max_length=200,
        required=False,
        label="Outlet",
        help_text="Used for every article imported here. Leave empty to take it from the files (or the site's domain).",
    )
    published = forms.DateField(
        required=False,
        label="Published on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For files that do not say when they were published. Without a date, an article is matched by its content alone.",
    )
    url = forms.URLField(
        max_length=2000,
        required=False,
        label="Or a web address",
        assume_scheme="https",
        help_text="A page or a feed. It is fetched by the background worker, not right away.",
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        limit_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if len(files) > limit_files:
            raise forms.ValidationError(f"You sent {len(files)} files; at most {limit_files} can be imported at once.")
        limit = settings.FACTDESK_MAX_UPLOAD_BYTES
        too_big = [f for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(
                [f"{f.name} is {human_size(f.size)}; each file may be at most {human_size(limit)}." for f in too_big]
            )
        return files

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if url:
            # Checked here for an immediate answer; the worker checks again on every hop.
            try:
                check_url(url, allow_private=settings.FACTDESK_FETCH_ALLOW_PRIVATE)
            except FetchRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("url"):
            raise forms.ValidationError("Choose at least one file, or give a web address.")
        return cleaned
