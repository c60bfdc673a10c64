"""The Search screen: claims, articles and speakers, paged; also the cite form's claim picker."""
from django.shortcuts import render

from claims import search as desk_search
from claims.views.base import desk_screen, is_fetch

PER_PAGE = 30


def page_number(raw) -> int:
    """The asked-for page (1 for anything that is not a page number; at most 100 pages deep)."""
    return min(int(raw), 100) if str(raw or "").isdigit() and int(raw) > 0 else 1


@desk_screen
def show(request):
    query = desk_search.clean_query(request.GET.get("q"))
    only = request.GET.get("only")
    page = page_number(request.GET.get("page"))
    # One row more than the page: whether there is a next page, without counting every match.
    reach = page * PER_PAGE + 1
    skip = (page - 1) * PER_PAGE
    claims = list(desk_search.search_claims(query, limit=reach))[skip:] if query and only != "articles" else []
    articles = list(desk_search.search_articles(query, limit=reach))[skip:] if query and only != "claims" else []
    speakers = list(desk_search.search_speakers(query)) if query and only is None and page == 1 else []
    context = {
        "query": query,
        "search_query": query,
        "page": page,
        "more": len(claims) > PER_PAGE or len(articles) > PER_PAGE,
        "claims": claims[:PER_PAGE],
        "claims_more": len(claims) > PER_PAGE,
        "articles": [{"article": article, "snippet": desk_search.snippet(article.text, query)}
                     for article in articles[:PER_PAGE]],
        "articles_more": len(articles) > PER_PAGE,
        "speakers": speakers,
    }
    if is_fetch(request) and only == "claims":
        # The cite form's claim picker: a short list of buttons.
        return render(request, "claims/_claim_picker.html", context)
    return render(request, "claims/search.html", context)
