"""The README's promises that can be checked mechanically: every address it names is a real route."""
import re
from pathlib import Path

from django.urls import Resolver404, resolve

from factdesk.api import api_not_found

README = Path(__file__).resolve().parents[1] / "README.md"
# `/queue/`, `/articles/N/`, `/search/?q=` and the like, in backticks; N stands for an id.
ADDRESS = re.compile(r"`(/[a-z][^`\s]*)`")


def addresses_in_readme():
    return sorted({match.group(1) for match in ADDRESS.finditer(README.read_text())})


def test_the_readme_names_the_screens():
    assert {"/queue/", "/ops/", "/import/", "/admin/", "/api/v1/schema/"} <= set(addresses_in_readme())


def test_every_address_in_the_readme_is_routed():
    unrouted = []
    for address in addresses_in_readme():
        path = address.split("?")[0].replace("/N/", "/1/")
        try:
            routed = resolve(path).func is not api_not_found
        except Resolver404:
            routed = False
        if not routed:
            unrouted.append(address)
    assert unrouted == []
