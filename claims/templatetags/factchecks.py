"""``{% previously_factchecked claim %}``: the claim page's panel of fact-checks linked to the claim."""
from django import template

from claims.factchecks.models import FactCheckLink

register = template.Library()


@register.inclusion_tag("claims/_factchecks.html", takes_context=True)
def previously_factchecked(context, claim):
    links = list(
        FactCheckLink.objects.filter(claim=claim).shown().select_related("factcheck").defer("factcheck__embedding")
        .order_by("state", "-score", "id")  # confirmed before suggested
    )
    return {"claim": claim, "links": links, "can_review": context.get("can_review", False),
            "request": context.get("request"), "csrf_token": context.get("csrf_token")}
