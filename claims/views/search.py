"""The Search screen: claims, articles and speakers; also the cite form's claim picker."""
from django.shortcuts import render

from claims import search as desk_search
from claims.views.base import desk_screen, is_fetch


@desk_screen
def show(request):
    query = desk_search.clean_query(request.GET.get("q"))
    only = request.GET.get("only")
    claims = list(desk_search.search_claims(query)) if query and only != "articles" else []
    articles = list(desk_search.search_articles(query)) if query and only != "claims" else []
    context = {
        "query": query,
        "search_query": query,
        "claims": claims,
        "articles": [{"article": article, "snippet": desk_search.snippet(article.text, query)} for article in articles],
    }
    if is_fetch(request) and only == "claims":
        # The cite form's claim picker: a short list of buttons.
        return render(request, "claims/_claim_picker.html", context)
    return render(request, "claims/search.html", context)
