"""Fact-checks and their links to claims: the vocabulary of the fact-check library.

A ``FactCheck`` is one published review of one claim: the claim as the fact-checker worded it,
the rating as published (and on a 0–1 scale when the publisher gives numbers), who checked it,
where and when. Re-importing the same review changes nothing; a publisher's changed rating or
headline makes a new version, the old values kept in ``history``.

A ``FactCheckLink`` says a desk claim repeats a checked claim: suggested by the matcher with its
score and evidence, then confirmed or rejected by an editor through ``claims.factchecks.linking``
(audited, undoable). A rejected pair stays, so it is never proposed again.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.matching.statements import statement_text


class FactCheckFormat(models.TextChoices):
    HTML = "html", "ClaimReview markup in a web page"
    CLAIMREVIEW = "claimreview", "ClaimReview JSON-LD"
    PLAIN = "plain", "Plain JSON lines"


class FactCheckQuerySet(models.QuerySet):
    def by_checker(self, name: str):
        return self.filter(fact_checker__iexact=name)

    def unlinked(self):
        """Not yet compared with the desk's claims (new, or changed since)."""
        return self.filter(linked_at__isnull=True)

    def without_embedding(self):
        return self.filter(embedding__isnull=True)


class FactCheck(models.Model):
    key = models.CharField(max_length=64, unique=True, editable=False,
                           help_text="Identity across re-imports: the publisher's id, else its URL and claim.")
    claim_reviewed = models.TextField(help_text="The claim as the fact-checker worded it (schema.org claimReviewed).")
    headline = models.CharField(max_length=500, blank=True)
    rating = models.CharField(max_length=200, blank=True, help_text="The verdict as published (alternateName).")
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    rating_score = models.FloatField(null=True, blank=True,
                                     help_text="The numeric rating on a 0 (false) to 1 (true) scale, when published.")
    fact_checker = models.CharField(max_length=300, blank=True, db_index=True, help_text="The organisation.")
    fact_checker_url = models.URLField(max_length=2000, blank=True)
    claimant = models.CharField(max_length=300, blank=True, help_text="Who made the claim, as the checker names them.")
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="The file or URL it was imported from.")
    source_format = models.CharField(max_length=12, choices=FactCheckFormat.choices)
    version = models.PositiveIntegerField(default=1)
    history = models.JSONField(default=list, blank=True, help_text="Earlier versions' values, oldest first.")
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=80, blank=True, editable=False)
    linked_at = models.DateTimeField(null=True, blank=True, editable=False,
                                     help_text="When it was last compared with the desk's claims.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FactCheckQuerySet.as_manager()

    class Meta:
        app_label = "claims"
        ordering = ["-published", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_score__isnull=True) | Q(rating_score__gte=0, rating_score__lte=1),
                name="factcheck_rating_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.fact_checker or 'Fact-check'}: {self.claim_reviewed[:70]}"

    @property
    def statement_text(self) -> str:
        """What the matcher reads: the headline (often the claim said most plainly), then the claim.

        ``claims.matching.statements.statement_text``, the rule ``rank_claims`` reads a title by,
        so the library is matched in production on the text it is scored with offline.
        """
        return statement_text(self.claim_reviewed, self.headline)

    @property
    def wordings(self) -> tuple[str, ...]:
        """Every text a claim is compared with: the statement, and the claim reviewed on its own.

        The headline often frames the claim ("No, the state did not …"): beside it, the words a
        claim repeats are only part of the statement, and with no speaker to vouch that is a topic,
        not the same claim. Compared alone, the claim reviewed is found verbatim.
        """
        statement, alone = self.statement_text, statement_text(self.claim_reviewed)
        return (statement,) if statement == alone else (statement, alone)


class LinkState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


# The relation of the link publishing a verdict makes between a claim and the desk's own review of
# it: not a match to confirm or reject, it is withdrawn by reopening the check.
DESK_VERDICT_RELATION = "desk_check"


class FactCheckLinkQuerySet(models.QuerySet):
    def suggested(self):
        return self.filter(state=LinkState.SUGGESTED)

    def confirmed(self):
        return self.filter(state=LinkState.CONFIRMED)

    def shown(self):
        """What a claim's page and API list: suggested and confirmed links, not rejected ones."""
        return self.exclude(state=LinkState.REJECTED)


class FactCheckLink(models.Model):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="factcheck_links")
    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="links")
    state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.SUGGESTED, db_index=True)
    relation = models.CharField(max_length=14, blank=True)
    score = models.FloatField()
    lexical = models.FloatField(default=0.0)
    semantic = models.FloatField(default=0.0)
    evidence = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FactCheckLinkQuerySet.as_manager()

    class Meta:
        app_label = "claims"
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["claim", "factcheck"], name="factcheck_link_unique_pair")]

    def __str__(self):
        return f"{self.get_state_display()} {self.score:.2f}: claim {self.claim_id} → fact-check {self.factcheck_id}"

    @property
    def is_desk_verdict(self) -> bool:
        """The link to the desk's own published verdict on this claim (withdrawn by reopening the check)."""
        return self.relation == DESK_VERDICT_RELATION


class FactCheckFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def due(self, *, now, every_seconds: float):
        """Active feeds not polled within the last half interval (a "Poll now" just done is not repeated)."""
        from datetime import timedelta

        recent = now - timedelta(seconds=every_seconds / 2)
        return self.active().filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lte=recent))


class FactCheckFeed(models.Model):
    """A fact-checker's feed, polled by Celery beat like the article feeds (``claims.factchecks.feeds``).

    Its URL serves ClaimReview JSON / JSON-LD (an object, a list, a ``DataFeed``), JSON Lines, a
    page with ClaimReview markup, or an RSS / Atom feed whose entries link to fact-check pages.
    """

    url = models.URLField(max_length=2000, unique=True)
    name = models.CharField(max_length=300, blank=True,
                            help_text="The fact-checker as the desk calls it; records keep the checker their markup names.")
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    records_imported = models.PositiveIntegerField(default=0, help_text="Fact-checks created or updated from it.")
    seen_entries = models.JSONField(default=list, blank=True, editable=False,
                                    help_text="RSS / Atom entries already read (link and date), not fetched again.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FactCheckFeedQuerySet.as_manager()

    class Meta:
        app_label = "claims"
        ordering = ["url"]
        verbose_name = "fact-check feed"

    def __str__(self):
        return self.name or self.url
