"""The charts in a real browser: the desk, a claim and a speaker each draw an SVG chart with the
right series, its table of numbers reads as the data says, and the page's CSP refuses nothing.
At a phone's width (390 px) every link of the top bar is on screen and can be tapped, and
the three pages fit the screen's width.

Built from factories (no extraction), so it runs in seconds. Screenshots go to var/screenshots/.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimStatus
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory, OutletFactory, SpeakerFactory
from tests.test_browser import chromium, new_page, shoot, sign_in  # noqa: F401  (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = date(2025, 3, 10)

# Every Content-Security-Policy violation, as the page reports it (an init script is not subject to the CSP).
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (event) => window.cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline')));
"""


def at(day: date):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))


@pytest.fixture
def charted():
    cache.clear()  # the desk's charts are cached with its tallies
    ledger, post = OutletFactory(name="Morning Ledger"), OutletFactory(name="Evening Post")
    rivers = SpeakerFactory(name="Jane Rivers")
    first = ArticleFactory(outlet=ledger, published_at=at(DAY))
    ArticleFactory(outlet=ledger, published_at=at(DAY))
    later = ArticleFactory(outlet=post, published_at=at(DAY + timedelta(days=2)))
    spread = ClaimFactory(speaker=rivers, first_article=first, first_reported_at=first.published_at,
                          status=ClaimStatus.CONFIRMED)
    CitationFactory(claim=spread, article=first)
    CitationFactory(claim=spread, article=later)
    other = ClaimFactory(speaker=rivers, text="Schools would get more money", first_article=later,
                         first_reported_at=later.published_at)
    CitationFactory(claim=other, article=later)
    yield {"claim": spread, "speaker": rivers}
    cache.clear()


def chart_numbers(page, name: str, nth: int = 0) -> tuple[list[str], list[list[str]]]:
    """The series the SVG draws (its legend) and the rows of the chart's table, cell by cell."""
    figure = page.locator(f"[data-chart={name}]").nth(nth)
    assert figure.locator("svg.pygal-chart").count() == 1
    assert figure.locator("svg .series rect").count() > 0, "no bars drawn"
    legend = [text.strip() for text in figure.locator("svg .legends .legend text").all_text_contents()]
    rows = figure.locator("[data-chart-table] tbody tr")
    table = [[cell.strip() for cell in rows.nth(i).locator("th, td").all_text_contents()] for i in range(rows.count())]
    return legend, table


def test_the_three_charts_render_with_their_numbers_and_the_csp_holds(live_server, chromium, desk_admin,  # noqa: F811
                                                                     charted):
    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    page.add_init_script(CSP_LISTENER)
    sign_in(page, base, desk_admin)

    page.goto(f"{base}{reverse('claims:dashboard')}")
    assert chart_numbers(page, "desk-activity", 0) == (
        ["Morning Ledger", "Evening Post"], [["10 Mar 2025", "2", "0", "2"], ["12 Mar 2025", "0", "1", "1"]])
    assert chart_numbers(page, "desk-activity", 1) == (
        ["Morning Ledger", "Evening Post"], [["10 Mar 2025", "1", "0", "1"], ["12 Mar 2025", "0", "1", "1"]])
    # Drawn: the bars have the series' colours and the SVG spans its panel.
    bar = page.locator("[data-chart=desk-activity] svg .series.color-0 rect").first
    assert bar.evaluate("element => getComputedStyle(element).fill") == "rgb(31, 78, 140)"
    assert page.locator("[data-chart=desk-activity] svg").first.bounding_box()["width"] > 300
    assert page.evaluate("window.cspViolations") == []
    shoot(page, "charts-dashboard", full_page=True)

    page.goto(f"{base}{reverse('claims:claim', args=[charted['claim'].pk])}")
    assert chart_numbers(page, "claim-spread") == (
        ["Morning Ledger", "Evening Post"],
        [["10 Mar 2025 (first report, Morning Ledger)", "1", "0", "1"], ["12 Mar 2025", "0", "1", "1"]])
    assert page.evaluate("window.cspViolations") == []
    page.locator("[data-chart=claim-spread]").scroll_into_view_if_needed()
    shoot(page, "charts-claim")

    page.goto(f"{base}{reverse('claims:speaker', args=[charted['speaker'].pk])}")
    assert chart_numbers(page, "speaker-claims") == (
        ["Confirmed", "Proposed"], [["10 Mar 2025", "1", "0", "1"], ["12 Mar 2025", "0", "1", "1"]])
    assert page.evaluate("window.cspViolations") == []
    shoot(page, "charts-speaker")
    assert errors == [], errors
    page.context.close()


def test_every_nav_link_is_on_screen_on_a_phone(live_server, chromium, desk_admin, charted):  # noqa: F811
    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    sign_in(page, base, desk_admin)
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1).new_page()
    phone.context.add_cookies(page.context.cookies())
    phone.add_init_script(CSP_LISTENER)
    phone.goto(f"{base}{reverse('claims:dashboard')}")

    links = phone.locator(".mainnav a")
    names = links.all_inner_texts()
    assert names == ["Desk", "Queue", "Search", "For me", "Import", "Operations", "Admin"]
    for i, name in enumerate(names):
        link = links.nth(i)
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        # Nothing clips or covers it: the link is what a tap at its centre lands on.
        centre = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
        assert link.evaluate("(element, at) => element.contains(document.elementFromPoint(at.x, at.y))", centre), name
    link = links.nth(names.index("Operations"))
    link.click()
    phone.wait_for_url(f"{base}{reverse('claims:operations')}")

    for name, url in (("desk-activity", reverse("claims:dashboard")),
                      ("claim-spread", reverse("claims:claim", args=[charted["claim"].pk])),
                      ("speaker-claims", reverse("claims:speaker", args=[charted["speaker"].pk]))):
        phone.goto(f"{base}{url}")
        chart = phone.locator(f"[data-chart={name}] svg").first
        assert 250 < chart.bounding_box()["width"] <= 390, name  # the chart shrinks to the phone's width
        wide = phone.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391
                                  && !e.closest('.visually-hidden')).map(e => e.tagName + ' ' + e.getAttribute('class'))""")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, f"{url} scrolls sideways: {wide[:5]}"
        assert phone.evaluate("window.cspViolations") == [], url
    shoot(phone, "charts-speaker-phone", full_page=True)
    phone.context.close()
    assert errors == [], errors
    page.context.close()
