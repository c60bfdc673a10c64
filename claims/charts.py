"""Charts for the desk, the claim and the speaker pages: counts per day, drawn by pygal as inline SVG.

The data comes from aggregate queries grouped by day (a row per day and series, never a row per
article or claim), or from rows the page has already loaded. pygal draws the SVG on the server;
its script and stylesheet are dropped, since the CSP allows neither inline (the look comes from
factdesk/static/factdesk/charts.css). Each chart carries its numbers as a table, so screen
readers and the browser tests read what the picture shows, and an empty chart says why.

A day is an article's publication date. An article without one is left out, with a note
saying how many: its import time is no publication date, which is also why a claim reported
only by undated articles has no date of first report (and is left out of the speaker's chart).
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

import pygal
from django.core.cache import cache
from django.db.models import CharField, Count, DateField, DateTimeField, ExpressionWrapper, F, Subquery, Value
from django.db.models.functions import TruncDate
from django.template.defaultfilters import pluralize
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from articles.models import Article
from claims.models import Claim, ClaimStatus

DESK_DAYS = 30  # the desk charts the last month with articles
MAX_DAILY_BARS = 62  # a longer span is drawn a bar per month
MAX_SERIES = 6  # further outlets are summed as "Other outlets"
OTHER_OUTLETS = "Other outlets"
LIVE_STATUSES = (ClaimStatus.CONFIRMED, ClaimStatus.PROPOSED)
DRAWING_VERSION = 1  # part of a drawn chart's cache key: bump it when draw() changes
CHART_CACHE_SECONDS = 3600


@dataclass
class Chart:
    """Counts per period and series: what the SVG draws and the table lists.

    ``periods`` are consecutive days or months (a gap is a zero, not a missing bar); ``series``
    are (name, one count per period) pairs.
    """

    title: str
    periods: list[date] = field(default_factory=list)
    series: list[tuple[str, list[int]]] = field(default_factory=list)
    monthly: bool = False
    empty: str = ""  # why there is nothing to draw, when there is not
    notes: list[str] = field(default_factory=list)
    marks: dict[date, str] = field(default_factory=dict)  # a word beside a period in the table ("first report")

    def label(self, period: date) -> str:
        return dateformat.format(period, "F Y" if self.monthly else "j M Y")

    @property
    def total(self) -> int:
        return sum(sum(counts) for _, counts in self.series)

    @property
    def rows(self) -> list[dict]:
        """The table's rows: the periods with something in them, each with a count per series."""
        rows = []
        for index, period in enumerate(self.periods):
            counts = [counts[index] for _, counts in self.series]
            if any(counts):
                rows.append({"label": self.label(period), "counts": counts, "total": sum(counts),
                             "mark": self.marks.get(period, "")})
        return rows

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.series]

    @cached_property
    def svg(self) -> str:
        """The chart as an ``<svg>`` element to put in the page (no script, no style).

        Drawing takes pygal tens of milliseconds, so the picture is cached by what it shows: the
        same numbers are not drawn twice (and new numbers are a new key, so it is never stale).
        """
        shown = repr((DRAWING_VERSION, pygal.__version__, self.title, self.periods, self.series, self.monthly))
        key = "factdesk:chart:" + hashlib.sha256(shown.encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = draw(self)
            cache.set(key, svg, CHART_CACHE_SECONDS)
        return mark_safe(svg)  # noqa: S308  (lxml serialised it: names and labels are escaped)


def draw(chart: Chart) -> str:
    highest = max((sum(column) for column in zip(*(counts for _, counts in chart.series))), default=0)
    step = max(1, math.ceil(highest / 5))
    labels = [chart.label(period) for period in chart.periods]
    every = max(1, math.ceil(len(labels) / 8))
    bars = pygal.StackedBar(
        js=[], disable_xml_declaration=True, no_prefix=True, classes=["pygal-chart"],
        width=600, height=300, margin=10, spacing=8,
        legend_at_bottom=True, legend_at_bottom_columns=min(len(chart.series), 4) or 1, truncate_legend=28,
        x_labels=labels, x_labels_major_every=every, show_minor_x_labels=False, truncate_label=12,
        y_labels=list(range(0, highest + step + 1, step)), show_y_guides=True,
        print_values=False, tooltip_border_radius=0,
    )
    for name, counts in chart.series:
        bars.add(name, counts)
    return _strip(bars.render_tree(), title=chart.title)


def _strip(root, *, title: str) -> str:
    """pygal's tree without what the CSP refuses or the page cannot hold twice.

    Out go the inline <script> (pygal's config for its tooltips) and <style>, every style
    attribute, the tooltip layer (inert without its script), comments and ids (two charts on a
    page would repeat them).
    """
    from lxml import etree

    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # a comment
            element.getparent().remove(element)
            continue
        tag = etree.QName(element).localname
        if tag in ("script", "style") or "tooltip-overlay" in element.get("class", ""):
            element.getparent().remove(element)
            continue
        for attribute in ("style", "id"):
            element.attrib.pop(attribute, None)
    for element in root:
        if isinstance(element.tag, str) and etree.QName(element).localname == "title":
            element.text = title  # the hover text (pygal's is its own name)
    root.set("aria-hidden", "true")  # the table beside it is the text equivalent
    root.set("focusable", "false")
    return etree.tostring(root, encoding="unicode")


# --------------------------------------------------------------------------- periods


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _periods(first: date, last: date) -> tuple[list[date], bool]:
    """Every day from ``first`` to ``last``, or every month when that is too many bars."""
    if (last - first).days < MAX_DAILY_BARS:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)], False
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months, True


def _bucket(day: date, monthly: bool) -> date:
    return day.replace(day=1) if monthly else day


def _chart(title: str, counts: dict[tuple[date, str], int], *, empty: str, order: list[str] | None = None,
           first: date | None = None, last: date | None = None) -> Chart:
    """A chart of ``counts`` keyed by (day, series name); with nothing to draw, one saying ``empty``.

    Series come in ``order`` (else the largest first); past MAX_SERIES the rest are summed.
    """
    counts = {key: n for key, n in counts.items() if n}
    if not counts:
        return Chart(title=title, empty=empty)
    days = [day for day, _ in counts]
    periods, monthly = _periods(first or min(days), last or max(days))
    index = {period: n for n, period in enumerate(periods)}
    # Days outside a given window (the desk's month) are not drawn.
    counts = {(day, name): n for (day, name), n in counts.items() if _bucket(day, monthly) in index}
    if not counts:
        return Chart(title=title, empty=empty)
    totals = Counter()
    for (_, name), n in counts.items():
        totals[name] += n
    names = order or sorted(totals, key=lambda name: (-totals[name], name))
    names = [name for name in names if totals[name]]
    if len(names) > MAX_SERIES:
        names = names[:MAX_SERIES - 1] + [OTHER_OUTLETS]
    series = {name: [0] * len(periods) for name in names}
    for (day, name), n in counts.items():
        series[name if name in series else OTHER_OUTLETS][index[_bucket(day, monthly)]] += n
    return Chart(title=title, periods=periods, series=list(series.items()), monthly=monthly)


def _undated(count: int, what: str, plural: str) -> list[str]:
    if not count:
        return []
    return [f"{count} {what if count == 1 else plural} without a publication date {'is' if count == 1 else 'are'} left out."]


# --------------------------------------------------------------------------- the three charts


def claim_spread(citations) -> Chart:
    """A claim's citations per day of publication, by outlet, from its page's citations (no query).

    Empty below two dated citations: a single report has no spread to draw.
    """
    dated = sorted((c for c in citations if c.article.published_at), key=lambda c: (c.article.published_at, c.pk))
    undated = len(citations) - len(dated)
    title = "Citations per day, by outlet"
    if len(dated) < 2:
        if not citations:
            why = "No article cites this claim, so there is no spread to draw."
        elif undated:
            which = "None" if not dated else "Only 1"
            why = (f"{which} of its {len(citations)} reports carries a publication date, so there is no spread over "
                   "time to draw.")
        else:
            why = "Only one article reports this claim so far: there is no spread to draw."
        return Chart(title=title, empty=why)
    counts: Counter = Counter()
    for citation in dated:
        counts[local_day(citation.article.published_at), citation.article.outlet.name] += 1
    # Outlets in the order they reported it: the first report's outlet is the first series.
    chart = _chart(title, counts, empty="", order=list(dict.fromkeys(c.article.outlet.name for c in dated)))
    first = dated[0].article
    chart.marks[_bucket(local_day(first.published_at), chart.monthly)] = f"first report, {first.outlet.name}"
    chart.notes += _undated(undated, "citation in an article", "citations in articles")
    return chart


def speaker_claims(speaker, *, claims=None) -> Chart:
    """The speaker's confirmed and proposed claims per day (or month) of first report.

    ``claims``: all of the speaker's claims, when the page has loaded them (no query); else
    one query grouped by day and status.
    """
    if claims is not None:
        rows = Counter((local_day(claim.first_reported_at), claim.status) for claim in claims
                       if claim.status in LIVE_STATUSES)
        rows = [(day, status, n) for (day, status), n in rows.items()]
    else:
        rows = (
            Claim.objects.filter(speaker=speaker, status__in=LIVE_STATUSES)
            .annotate(day=TruncDate("first_reported_at")).order_by().values_list("day", "status").annotate(n=Count("pk"))
        )
    labels = dict(ClaimStatus.choices)
    counts, undated = {}, 0
    for day, status, n in rows:
        if day is None:
            undated += n
        else:
            counts[day, labels[status]] = n
    chart = _chart("Claims per day of first report", counts,
                   empty="No confirmed or proposed claim with a dated first report: nothing to chart.",
                   order=[labels[ClaimStatus.CONFIRMED], labels[ClaimStatus.PROPOSED]])
    if chart.monthly:
        chart.title = "Claims per month of first report"
    if undated:
        chart.notes.append(f"{undated} claim{pluralize(undated)} first reported by undated articles only "
                           f"{'is' if undated == 1 else 'are'} left out.")
    return chart


def desk_activity(*, days: int = DESK_DAYS) -> tuple[Chart, Chart]:
    """Articles and new claims per day of publication and outlet, over the last ``days`` days
    that had articles.

    One statement: the articles and the claims dated within ``days`` days (and a day more) of
    the newest publication date, each grouped by day and outlet, and the undated articles
    counted. A claim counts on the day of its first report, under the outlet that reported it
    first; rejected and merged ones are left out.
    """
    newest = Article.objects.filter(published_at__isnull=False).order_by("-published_at").values("published_at")[:1]
    # Counted from a moment, not a midnight: a day more is read, and the partial day dropped below.
    since = ExpressionWrapper(Subquery(newest) - timedelta(days=days), output_field=DateTimeField())
    articles = (
        Article.objects.filter(published_at__gte=since).annotate(day=TruncDate("published_at")).order_by()
        .values_list(Value("articles"), "day", "outlet__name").annotate(n=Count("pk"))
    )
    claims = (
        Claim.objects.filter(status__in=LIVE_STATUSES, first_article__isnull=False, first_reported_at__gte=since)
        .annotate(day=TruncDate("first_reported_at")).order_by()
        .values_list(Value("claims"), "day", F("first_article__outlet__name")).annotate(n=Count("pk"))
    )
    undated = (
        Article.objects.filter(published_at__isnull=True).order_by()
        .values_list(Value("undated"), Value(None, output_field=DateField()), Value(None, output_field=CharField()))
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict] = {"articles": {}, "claims": {}, "undated": {}}
    for label, day, outlet, n in articles.union(claims, undated, all=True):
        counts[label][day, outlet] = n
    undated_notes = _undated(sum(counts["undated"].values()), "article", "articles")
    article_title, claim_title = "Articles per day, by outlet", "New claims per day, by the outlet that reported them first"
    if not counts["articles"]:
        why = "No article with a publication date yet, so there is nothing to chart."
        return Chart(title=article_title, empty=why, notes=undated_notes), Chart(title=claim_title)
    last = max(day for day, _ in counts["articles"])
    first = last - timedelta(days=days - 1)
    by_outlet: dict[str, int] = defaultdict(int)
    for (day, outlet), n in counts["articles"].items():
        by_outlet[outlet] += n if day >= first else 0
    order = sorted(by_outlet, key=lambda outlet: (-by_outlet[outlet], outlet))
    order += sorted({outlet for _, outlet in counts["claims"]} - set(order))
    since_words = dateformat.format(first, "j M Y")
    article_chart = _chart(article_title, counts["articles"], order=order, first=first, last=last, empty="")
    claim_chart = _chart(claim_title, counts["claims"], order=order, first=first, last=last,
                         empty=f"No claim was first reported since {since_words}.")
    article_chart.notes += undated_notes
    return article_chart, claim_chart
