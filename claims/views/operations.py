"""The Operations screen: queue depths, throughput, backlog and recent failures (``claims.ops``)."""
from django.shortcuts import render

from claims import ops
from claims.views.base import desk_screen

REFRESH_SECONDS = 15


@desk_screen
def show(request):
    quality = ops.proposal_quality()
    tables = [("Candidates by kind", quality["by_kind"]), ("Match suggestions by relation and score", quality["matches"]),
              ("Candidates by outlet (most decided)", quality["by_outlet"]), ("Candidates by extractor version",
                                                                              quality["by_version"])]
    return render(request, "claims/operations.html", {"ops": ops.snapshot(), "quality_tables": tables,
                                                     "refresh_seconds": REFRESH_SECONDS})
