"""The Operations screen: queue depths, throughput, backlog and recent failures (``claims.ops``)."""
from django.shortcuts import render

from claims import ops
from claims.views.base import desk_screen

REFRESH_SECONDS = 15


@desk_screen
def show(request):
    return render(request, "claims/operations.html", {"ops": ops.snapshot(), "refresh_seconds": REFRESH_SECONDS})
