"""Speakers, candidates, claims, citations, matches and the audit log.

Vocabulary: a *candidate* is what one article says (a span, a speaker, a cue), proposed by the
extractor; a *claim* is what a speaker said wherever it was reported; a *citation* ties a claim
to a place in one version of an article; a *match* proposes that a candidate is the same
statement as an existing claim. Every editorial change goes through ``claims.services`` and
leaves a ``ReviewEvent``.

Over 500 lines on purpose: one job, the models of the review desk with their choices, querysets
and constraints, the vocabulary the whole app shares (Django's convention; the webhooks' models
included). Newer, separable features keep their models in their own packages
(``claims.factchecks.models``, ``claims.checking.models``), imported at the bottom so Django and
``claims.models`` callers find them in one place.
"""
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from articles.models import Article
from claims.fields import EmbeddingField

# The sentence encoder's vector size (claims.matching.encoder.DIM); a migration changes it.
EMBEDDING_DIMENSIONS = 384


def normalise_name(name: str) -> str:
    """Key for alias lookups: case, accents, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    return " ".join(text.split())[:300]


class SpeakerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    GROUP = "group", "Group"
    UNKNOWN = "unknown", "Unresolved"


class SpeakerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)

    def with_claim_counts(self):
        return self.annotate(claim_count=Count("claims", filter=~Q(claims__status="merged"), distinct=True))


class Speaker(models.Model):
    name = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=20, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_speakers")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:speaker", args=[self.pk])

    @property
    def is_resolved(self):
        return self.kind != SpeakerKind.UNKNOWN


class SpeakerAlias(models.Model):
    """A name a speaker is known by, with the keys it is looked up by.

    ``normalized`` is the name folded (case, accents, punctuation); ``variant`` is, for a person,
    given name + surname + suffix with middle names, initials and titles left out ("Donald J.
    Trump" and "Donald Trump" share "donald trump"), for an organisation the name without a
    leading "the" — so every variant of a name is found through an index, never by a scan.
    """

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    variant = models.CharField(max_length=300, blank=True, db_index=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "speaker aliases"
        constraints = [models.UniqueConstraint(fields=["speaker", "normalized"], name="speaker_alias_unique")]

    def __str__(self):
        return self.alias

    @staticmethod
    def variant_for(alias: str, kind: str) -> str:
        from claims.extraction.names import organisation_key, variant_key

        if kind == SpeakerKind.PERSON:
            return variant_key(alias)
        return organisation_key(alias)

    def save(self, *args, **kwargs):
        if not self.normalized:
            self.normalized = normalise_name(self.alias)
        if not self.variant:
            self.variant = self.variant_for(self.alias, self.speaker.kind)
        super().save(*args, **kwargs)


class SpeakerRole(models.Model):
    """A role an article gives a speaker ("US Defence Secretary"), with the dates it was seen."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role"]
        constraints = [models.UniqueConstraint(fields=["speaker", "normalized"], name="speaker_role_unique")]

    def __str__(self):
        return self.role


class ExtractionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ArticleExtractionQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=ExtractionStatus.FAILED)

    def backlog(self):
        return self.filter(status__in=[ExtractionStatus.QUEUED, ExtractionStatus.RUNNING])


class ArticleExtraction(models.Model):
    """Where extraction stands for one article: which text and which extractor version it covers."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="extraction")
    status = models.CharField(max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.QUEUED, db_index=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    candidate_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ArticleExtractionQuerySet.as_manager()

    def __str__(self):
        return f"extraction of {self.article_id}: {self.status}"


class ClaimKind(models.TextChoices):
    DIRECT = "direct", "Direct quote"
    MIXED = "mixed", "Mixed quote"
    INDIRECT = "indirect", "Reported speech"
    CHECKWORTHY = "checkworthy", "Check-worthy statement"


class CandidateStance(models.TextChoices):
    """Whether the speaker asserted the statement (claims.extraction.candidates.Stance)."""

    ASSERTED = "asserted", "Asserted"
    DENIED = "denied", "Denied by the speaker"
    DECLINED = "declined", "Declined to comment"
    UNASSERTED = "unasserted", "Not said (negated or supposed)"
    BELIEF = "belief", "Belief, not speech"
    INTENTION = "intention", "Intention, not speech"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class CandidateQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=CandidateStatus.PENDING)

    def reviewed(self):
        return self.exclude(status=CandidateStatus.PENDING)

    def for_outlet(self, outlet):
        return self.filter(article__outlet=outlet)

    def for_article(self, article):
        return self.filter(article=article)

    def unmatched(self):
        return self.filter(matched_at__isnull=True)


class Candidate(models.Model):
    """A statement the extractor found in one version of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="candidates")
    content_hash = models.CharField(max_length=64, help_text="Hash of the article text the offsets point into.")
    kind = models.CharField(max_length=12, choices=ClaimKind.choices, db_index=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    speaker_text = models.CharField(max_length=500, blank=True, help_text="The speaker as written near the cue.")
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker_resolved = models.BooleanField(default=False)
    cue = models.CharField(max_length=200, blank=True)
    cue_start = models.PositiveIntegerField(null=True, blank=True)
    cue_end = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(default=0.0)
    checkworthiness = models.FloatField(default=0.0)
    floating = models.BooleanField(default=False)
    stance = models.CharField(
        max_length=12, choices=CandidateStance.choices, default=CandidateStance.ASSERTED, db_index=True,
        help_text="Whether the speaker asserted it; a denial, a refusal, a belief or an intention is no claim of theirs.",
    )
    extractor_version = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING, db_index=True)
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "content_hash", "kind", "start", "end"], name="candidate_unique_span_per_text"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="candidate_span_not_empty"),
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1), name="candidate_confidence_0_1"),
        ]
        indexes = [models.Index(fields=["status", "-confidence"], name="candidate_queue_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def speaker_label(self):
        return self.speaker.name if self.speaker_id else (self.speaker_text or "unattributed")


class ClaimStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged"


class ClaimQuerySet(models.QuerySet):
    def visible(self):
        return self.exclude(status=ClaimStatus.MERGED)

    def confirmed(self):
        return self.filter(status=ClaimStatus.CONFIRMED)

    def proposed(self):
        return self.filter(status=ClaimStatus.PROPOSED)

    def by_speaker(self, speaker):
        return self.filter(speaker=speaker)

    def with_citation_counts(self):
        return self.annotate(citation_count=Count("citations", distinct=True))

    def for_export(self):
        return self.select_related("speaker", "first_article__outlet").prefetch_related("citations__article__outlet")


class Claim(models.Model):
    text = models.TextField(help_text="The canonical wording.")
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=12, choices=ClaimKind.choices, db_index=True)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PROPOSED, db_index=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_claims")
    first_article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_reported_at = models.DateTimeField(null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(max_length=100, blank=True, help_text="A fact-check verdict, exported as ClaimReview.")
    rating_explanation = models.TextField(blank=True)
    embedding = EmbeddingField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True, editable=False)
    embedding_model = models.CharField(
        max_length=80, blank=True, editable=False,
        help_text="The encoder (name and version) that computed the embedding; manage.py embed_claims recomputes others.",
    )
    revision = models.PositiveIntegerField(default=1)
    # Derived, like the embedding: kept by claims.services.triage whenever a decision changes a
    # signal of the claim (never snapshotted by a change set; manage.py refresh_triage recomputes).
    triage_value = models.FloatField(
        default=0.0, editable=False, help_text="Editorial value (claims.triage): the queue's order, highest first."
    )
    triage_reasons = models.JSONField(
        default=list, blank=True, editable=False, help_text="The signals behind the editorial value, in words."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False) | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="claim_merged_has_target",
            ),
        ]
        permissions = [
            ("review_claims", "Can review: confirm, reject, merge, split, cite and undo"),
            ("export_claims", "Can export claims"),
        ]
        indexes = [
            models.Index(fields=["speaker", "first_reported_at"], name="claim_speaker_date_idx"),
            models.Index(fields=["status", "-created_at"], name="claim_status_idx"),
            # The queue's default order over proposed claims, read from the top or at any offset.
            models.Index(fields=["-triage_value", "-id"], name="claim_proposed_triage_idx",
                         condition=Q(status="proposed")),
            # ... and within one kind (the queue's kind filter), which also counts them without a scan.
            models.Index(fields=["kind", "-triage_value", "-id"], name="claim_proposed_kind_triage_idx",
                         condition=Q(status="proposed")),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("claims:claim", args=[self.pk])


class ClaimShingle(models.Model):
    """Hashed content-word n-grams of a claim: retrieves claims sharing rare phrases without a scan."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="shingles")
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["value", "claim"], name="claim_shingle_unique")]


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    REANCHORED = "reanchored", "Re-anchored to a new version"
    NEEDS_REVIEW = "needs_review", "Lost: needs an editor"


class CitationQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(anchor_state=AnchorState.NEEDS_REVIEW)


class Citation(models.Model):
    """A claim cited to a place in one version of an article, with context to find it again."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="citations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField(help_text="The exact text at start:end when cited.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(max_length=64, help_text="Hash of the article version the offsets point into.")
    article_version = models.PositiveIntegerField(default=1)
    anchor_state = models.CharField(max_length=12, choices=AnchorState.choices, default=AnchorState.ANCHORED, db_index=True)
    anchor_score = models.FloatField(default=100.0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["article__published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "article", "start", "end"], name="citation_unique_place"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="citation_span_not_empty"),
        ]
        indexes = [
            # Claims cited in an outlet's articles (the queue's outlet filter) read from the index alone.
            models.Index(fields=["article", "claim"], name="citation_article_claim_idx"),
        ]

    def __str__(self):
        return f"{self.claim_id} in {self.article_id} [{self.start}:{self.end}]"


class MatchRelation(models.TextChoices):
    VERBATIM = "verbatim", "Verbatim"
    VARIANT = "variant", "Wording variant"
    PARAPHRASE = "paraphrase", "Paraphrase"
    OTHER_SPEAKER = "other_speaker", "Same words, different speaker"


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class MatchQuerySet(models.QuerySet):
    def suggested(self):
        return self.filter(state=MatchState.SUGGESTED)

    def same_claim(self):
        return self.exclude(relation=MatchRelation.OTHER_SPEAKER)

    def related(self):
        return self.filter(relation=MatchRelation.OTHER_SPEAKER)


class Match(models.Model):
    """A proposal that a candidate reports the same statement as an existing claim."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="matches")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    lexical = models.FloatField(default=0.0)
    semantic = models.FloatField(default=0.0)
    relation = models.CharField(max_length=14, choices=MatchRelation.choices)
    evidence = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=MatchState.choices, default=MatchState.SUGGESTED, db_index=True)
    automatic = models.BooleanField(default=False, help_text="Accepted by policy, not by an editor.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["candidate", "claim"], name="match_unique_pair")]
        verbose_name_plural = "matches"
        indexes = [
            # The queue's matches tab, best first: a page at any offset read from this index, not a sort of every suggestion.
            models.Index(fields=["-score", "-id"], name="match_suggested_score_idx", condition=Q(state="suggested")),
        ]

    def __str__(self):
        return f"{self.get_relation_display()} {self.score:.2f}: candidate {self.candidate_id} → claim {self.claim_id}"


class ReviewEventQuerySet(models.QuerySet):
    def for_claim(self, claim):
        return self.filter(claim=claim)

    def undoable(self):
        return self.filter(undone_at__isnull=True, undo_of__isnull=True).exclude(changes=[])


class ReviewEvent(models.Model):
    """The audit log: who did what to which rows, with their values before and after."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_events")
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="Rows before and after: what undo restores.")
    undo_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by_event")
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="event_target_idx")]

    def __str__(self):
        return f"{self.action} {self.target_type} {self.target_id}"

    @property
    def actor_label(self):
        return self.actor.get_username() if self.actor_id else "FactDesk (automatic)"


class WebhookEvent(models.TextChoices):
    CONFIRMED = "claim.confirmed", "A claim was confirmed"
    MERGED = "claim.merged", "A claim was merged into another"
    CITED = "claim.cited", "A confirmed claim got a new citation"
    VERDICT = "claim.verdict", "The desk published or withdrew its verdict on a claim"
    FACTCHECK_LINKED = "claim.factcheck_linked", "A claim got a fact-check link (suggested, or confirmed by an editor)"


class WebhookQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_event(self, event: str):
        field = Webhook.EVENT_FIELDS.get(event)
        return self.filter(**{field: True}) if field else self.none()


class Webhook(models.Model):
    """An integrator's HTTPS endpoint that gets a signed POST when claims change."""

    EVENT_FIELDS = {
        WebhookEvent.CONFIRMED: "on_confirmed",
        WebhookEvent.MERGED: "on_merged",
        WebhookEvent.CITED: "on_cited",
        WebhookEvent.VERDICT: "on_verdict",
        WebhookEvent.FACTCHECK_LINKED: "on_factcheck_linked",
    }

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, help_text="HTTPS endpoint; checked against private addresses on save and on every delivery.")
    secret = models.CharField(max_length=200, help_text="Shared secret for the X-FactDesk-Signature HMAC. Never shown again.")
    on_confirmed = models.BooleanField("claim confirmed", default=True)
    on_merged = models.BooleanField("claim merged", default=True)
    on_cited = models.BooleanField("claim cited", default=True)
    on_verdict = models.BooleanField("desk verdict published or withdrawn", default=True)
    on_factcheck_linked = models.BooleanField("fact-check linked (suggested or confirmed)", default=True)
    active = models.BooleanField(default=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def events(self) -> list[str]:
        return [event for event, field in self.EVENT_FIELDS.items() if getattr(self, field)]

    def clean(self):
        from claims.webhooks import check_webhook_url

        super().clean()
        if self.url:
            check_webhook_url(self.url)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Failed, will retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed for good"


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook: the delivery log editors see in the admin."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    attempts = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} → {self.webhook} ({self.get_status_display()})"


# The fact-check library's models live in their own module; imported here so Django finds them.
from claims.factchecks.models import FactCheck, FactCheckFeed, FactCheckLink, LinkState  # noqa: E402,F401
from claims.checking.models import DeskCheck, InboxState, Note, Notification  # noqa: E402,F401  (the desk's own checks)
