"""``{% previously_factchecked claim %}``: the claim page's panel of fact-checks linked to the claim."""
from django import template

from claims.factchecks import ratings
from claims.factchecks.models import FactCheckLink, LinkState

register = template.Library()


@register.inclusion_tag("claims/_factchecks.html", takes_context=True)
def previously_factchecked(context, claim):
    # A claim page that annotated ``has_factcheck_links`` (False) spares the query for an empty panel.
    links = [] if getattr(claim, "has_factcheck_links", True) is False else list(
        FactCheckLink.objects.filter(claim=claim).shown().select_related("factcheck").defer("factcheck__embedding")
        .order_by("state", "-score", "id")  # confirmed before suggested
    )
    confirmed = [link for link in links if link.state == LinkState.CONFIRMED]
    disagreement = ratings.disagreement(ratings.claim_ratings(claim=claim, confirmed_links=confirmed))
    return {"claim": claim, "links": links, "can_review": context.get("can_review", False), "disagreement": disagreement,
            "request": context.get("request"), "csrf_token": context.get("csrf_token")}


SPEAKER_CHECKS_SHOWN = 50


@register.inclusion_tag("claims/_speaker_factchecks.html")
def speaker_factchecks(speaker):
    """The speaker's claims with a confirmed fact-check, newest check first, with the checker's rating."""
    links = list(
        FactCheckLink.objects.confirmed().filter(claim__speaker=speaker).exclude(claim__status="merged")
        .select_related("factcheck", "claim").defer("factcheck__embedding", "claim__embedding")
        .order_by("-factcheck__published", "-id")[:SPEAKER_CHECKS_SHOWN]
    )
    return {"links": links}
