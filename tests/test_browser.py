"""The review screens in a real browser (Debian's Chromium through Playwright) on the two samples.

An editor signs in, imports both sample articles through the Import screen, the real extraction
and matching run, and the editor sees Hegseth's quotes highlighted in both articles, confirms
one, accepts (or finds already accepted) the cross-outlet match, reads both citations with the
diff on the claim page, merges and undoes, cites a selected passage, and works the queue from
the keyboard. A viewer then sees no action buttons and is refused a POST. Screenshots of each
screen go to var/screenshots/; `FACTDESK_UPDATE_SCREENSHOTS=1` copies them to docs/screenshots/
for the README.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article
from claims import services
from claims.models import Candidate, CandidateStatus, Citation, Claim, ClaimStatus, Match, MatchState, ReviewEvent
from claims.tasks import extract_and_store
from factdesk.env import env_bool

pytestmark = [pytest.mark.browser, pytest.mark.needs_shared, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Every run shoots into the ignored var/screenshots/; the README's copies in docs/screenshots/
# are refreshed only on request (FACTDESK_UPDATE_SCREENSHOTS=1) and only by a passing run.
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "desk-pass-123"
QUOTE = "There is no betrayal"


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium")
    # Playwright's sync API keeps an event loop running in this thread, which Django would take
    # for an async context; the ORM calls here are plain synchronous code, so allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def new_page(chromium, errors):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.set_default_timeout(15000)
    return page


def sign_in(page, base, user, *, screenshot=None):
    page.goto(f"{base}{reverse('login')}?next=/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    if screenshot:
        shoot(page, screenshot)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def screenshot_files(folder):
    """Each PNG in the folder with its modification time and size: any rewrite shows."""
    return {path.name: (path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(folder.glob("*.png"))}


def shoot(page, name, full_page=False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def import_sample(page, base, path: Path, outlet: str, published: str | None = None):
    page.goto(f"{base}/import/")
    page.set_input_files("input[type=file]", str(path))
    page.fill("input[name=outlet]", outlet)
    if published:  # the sample files carry no date: the editor gives the manifest's, as the Import screen offers
        page.fill("input[name=published]", published)
    page.click("form.import-form button[type=submit]")
    page.wait_for_load_state()
    assert re.search(r"created", page.content(), re.I), page.content()[:2000]


def hegseth_marks(page):
    return page.locator("#article-text mark", has_text=re.compile("betrayal"))


def test_editor_reviews_the_samples_and_a_viewer_cannot_change_anything(live_server, shared_dir, chromium, editor,
                                                                        viewer, desk_admin):
    base = live_server.url
    errors: list[str] = []
    page = new_page(chromium, errors)
    tracked_screenshots = screenshot_files(DOCS_SCREENSHOTS)
    started_ns = time.time_ns()

    # Sign in as an editor, then import both samples through the Import screen.
    sign_in(page, base, editor, screenshot="login")
    manifest = json.loads((shared_dir / "samples" / "manifest.json").read_text())
    for entry in manifest["articles"]:
        import_sample(page, base, shared_dir / "samples" / entry["file"], entry["outlet"], entry["published"])
    shoot(page, "import")
    article_a = Article.objects.get(outlet__name=manifest["articles"][0]["outlet"])
    article_b = Article.objects.get(outlet__name=manifest["articles"][1]["outlet"])

    # The real extraction and matching (what the worker runs after an import).
    new_ids = extract_and_store([article_a.pk, article_b.pk], force=True)
    assert new_ids
    services.propose_matches(candidate_ids=new_ids)

    page.goto(f"{base}/")
    assert page.locator(".stat-n").first.inner_text() != "0"
    shoot(page, "dashboard")

    # Hegseth's "no betrayal" quote is highlighted in both articles.
    for article in (article_b, article_a):
        page.goto(f"{base}{reverse('claims:article', args=[article.pk])}")
        assert hegseth_marks(page).count() >= 1, f"no highlighted betrayal quote in {article.outlet}"
    candidate_a = Candidate.objects.filter(article=article_a, text__contains=QUOTE).order_by("start").first()
    candidate_b = Candidate.objects.filter(article=article_b, text__contains=QUOTE).order_by("start").first()
    assert candidate_a and candidate_b
    assert candidate_a.speaker and "Hegseth" in candidate_a.speaker.name

    # Select it by clicking the highlight: the panel shows speaker, cue and confidence; confirm with "c".
    page.locator(f'#article-text mark[data-cand="{candidate_a.pk}"]').first.click()
    panel = page.locator(f'[data-cand-panel="{candidate_a.pk}"]')
    assert panel.is_visible(), (errors, page.url)
    assert "Hegseth" in panel.inner_text() and "Confidence" in panel.inner_text()
    page.keyboard.press("c")
    page.wait_for_selector(".msg-success")
    assert Candidate.objects.get(pk=candidate_a.pk).status == CandidateStatus.CONFIRMED
    shoot(page, "article")

    # The cross-outlet match: accept it on article B, or verify it was cited automatically.
    claim = Candidate.objects.get(pk=candidate_a.pk).claim
    match = Match.objects.filter(candidate=candidate_b, claim=claim).first()
    if match is not None and match.state == MatchState.SUGGESTED:
        page.goto(f"{base}{reverse('claims:article', args=[article_b.pk])}?c={candidate_b.pk}")
        page.locator(f'[data-cand-panel="{candidate_b.pk}"] button', has_text="Accept match").click()
        page.wait_for_selector(".msg-success")
        assert Match.objects.get(pk=match.pk).state == MatchState.ACCEPTED
    else:
        assert match is not None and match.state == MatchState.ACCEPTED and match.automatic
    assert set(Citation.objects.filter(claim=claim).values_list("article_id", flat=True)) == {article_a.pk, article_b.pk}

    # The claim page: both citations side by side, each with the word diff.
    page.goto(f"{base}{reverse('claims:claim', args=[claim.pk])}")
    cards = page.locator("article.card")
    assert cards.count() == 2
    text = page.locator(".cards").inner_text()
    assert "Sample Outlet A" in text and "Sample Outlet B" in text
    assert page.locator(".cards .d-ins, .cards .d-del").count() > 0
    spread = page.locator('[data-chart] svg, [data-chart-empty]').first
    assert spread.evaluate("node => node.tagName.toLowerCase()") == "svg", "the dated samples draw the claim's spread"
    assert "Sample Outlet A" in page.locator("[data-chart] table").first.inner_text()
    shoot(page, "claim", full_page=True)

    # Merge another Hegseth claim into this one from the claim page, then undo it from the history.
    other = Claim.objects.filter(speaker=claim.speaker).exclude(pk=claim.pk).exclude(status=ClaimStatus.MERGED).first()
    assert other is not None
    page.fill("#merge-q", str(other.pk))
    page.press("#merge-q", "Enter")
    page.wait_for_selector(".merge-results")
    page.locator(".merge-results button", has_text="Merge it into this claim").first.click()
    page.wait_for_selector(".msg-success")
    assert Claim.objects.get(pk=other.pk).status == ClaimStatus.MERGED
    merged_cards = page.locator("article.card").count()
    assert merged_cards > 2
    merge_event = ReviewEvent.objects.get(action="merge_claims", claim=claim)
    page.locator(f'form[action="{reverse("claims:undo", args=[merge_event.pk])}"] button').click()
    page.wait_for_selector(".msg-success")
    assert Claim.objects.get(pk=other.pk).status != ClaimStatus.MERGED
    assert page.locator("article.card").count() == 2

    # Select a passage of article B with the mouse-free DOM API and cite it to the claim.
    page.goto(f"{base}{reverse('claims:article', args=[article_b.pk])}")
    passage = "the best negotiator on the planet"
    page.evaluate(
        """(passage) => {
            const root = document.getElementById('article-text');
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(passage);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + passage.length);
                    const sel = window.getSelection();
                    sel.removeAllRanges();
                    sel.addRange(range);
                    return;
                }
            }
            throw new Error('passage not found');
        }""",
        passage,
    )
    page.wait_for_function("document.querySelector('[data-sel-end]').value !== ''")
    assert page.locator("[data-selection-preview]").inner_text() == passage
    page.fill("[data-claim-search]", str(claim.pk))
    page.locator(f'[data-pick-claim="{claim.pk}"]').click()
    assert page.locator("[data-claim-id]").input_value() == str(claim.pk)
    page.locator("[data-cite-form] button[type=submit]").click()
    page.wait_for_selector(".msg-success")
    cited = Citation.objects.get(claim=claim, article=article_b, quote=passage)
    assert article_b.text[cited.start:cited.end] == passage

    # The queue from the keyboard: j selects the first row, r rejects it in place (fetch, no reload).
    page.goto(f"{base}{reverse('claims:queue')}?tab=candidates&sort=confidence")
    first_row = page.locator("[data-keyboard-list] [data-row]").first
    row_id = first_row.get_attribute("id")
    candidate_id = int(row_id.rsplit("-", 1)[1])
    pending_before = int(page.locator("[data-queue-count]").inner_text())
    page.keyboard.press("j")
    assert "is-current" in first_row.get_attribute("class")
    shoot(page, "queue-candidates")
    page.keyboard.press("r")
    page.wait_for_selector(f"#{row_id} .st-rejected")
    assert Candidate.objects.get(pk=candidate_id).status == CandidateStatus.REJECTED
    # The counter follows the decision and the cursor moves on to the next row.
    assert int(page.locator("[data-queue-count]").inner_text()) == pending_before - 1
    assert "is-current" not in page.locator(f"#{row_id}").get_attribute("class")
    assert "is-current" in page.locator("[data-keyboard-list] [data-row]").nth(1).get_attribute("class")
    page.goto(f"{base}{reverse('claims:queue')}")
    assert page.locator("[data-reasons]").count() >= 1
    shoot(page, "queue")
    page.goto(f"{base}{reverse('claims:queue')}?tab=matches")
    shoot(page, "queue-matches")

    page.goto(f"{base}{reverse('claims:speaker', args=[claim.speaker_id])}")
    assert "Hegseth" in page.locator("h1").inner_text()
    shoot(page, "speaker")
    page.goto(f"{base}{reverse('claims:search')}?q=betrayal")
    assert page.locator(".claim-list li").count() >= 1
    shoot(page, "search")
    page.goto(f"{base}{reverse('claims:operations')}")
    shoot(page, "operations")
    page.goto(f"{base}{reverse('claims:article', args=[article_b.pk])}?c={candidate_b.pk}")
    shoot(page, "article-b")

    # The same screens on a 390 px phone (the README's `*-phone.png`).
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    phone.add_cookies(page.context.cookies())
    phone_page = phone.new_page()
    phone_page.on("pageerror", lambda exc: errors.append(str(exc)))
    phone_screens = {
        "dashboard": "/",
        "queue": reverse("claims:queue"),
        "queue-candidates": f"{reverse('claims:queue')}?tab=candidates",
        "article": f"{reverse('claims:article', args=[article_a.pk])}",
        "claim": reverse("claims:claim", args=[claim.pk]),
        "speaker": reverse("claims:speaker", args=[claim.speaker_id]),
        "search": f"{reverse('claims:search')}?q=betrayal",
        "operations": reverse("claims:operations"),
        "import": "/import/",
    }
    for name, path in phone_screens.items():
        phone_page.goto(f"{base}{path}")
        assert phone_page.locator("main").count() == 1, name
        shoot(phone_page, f"{name}-phone")
    phone.close()
    assert errors == [], errors
    page.context.close()

    # The admin, as the desk's admin.
    admin_page = new_page(chromium, errors)
    admin_page.goto(f"{base}/admin/login/?next=/admin/claims/claim/")
    admin_page.fill("#id_username", desk_admin.username)
    admin_page.fill("#id_password", PASSWORD)
    admin_page.click("input[type=submit], button[type=submit]")
    admin_page.wait_for_url(re.compile(r".*/admin/claims/claim/.*"))
    assert admin_page.locator("#result_list tbody tr").count() >= 2
    if admin_page.locator("#toggle-nav-sidebar").is_visible():
        admin_page.click("#toggle-nav-sidebar")  # give the changelist the whole width
        admin_page.evaluate("window.scrollTo(0, 0)")
    shoot(admin_page, "admin")
    admin_page.context.close()

    # A viewer reads the same claim but sees no action button, and a POST is refused.
    viewer_page = new_page(chromium, errors)
    sign_in(viewer_page, base, viewer)
    viewer_page.goto(f"{base}{reverse('claims:claim', args=[claim.pk])}")
    assert viewer_page.locator("article.card").count() == 3
    assert viewer_page.locator("main form[method=post]").count() == 0
    viewer_page.goto(f"{base}{reverse('claims:article', args=[article_b.pk])}?c={candidate_b.pk}")
    assert viewer_page.locator("main form[method=post]").count() == 0
    status = viewer_page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
            const response = await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token,
                'X-Requested-With': 'XMLHttpRequest'}, credentials: 'same-origin'});
            return response.status;
        }""",
        reverse("claims:candidate-reject", args=[candidate_b.pk]),
    )
    assert status == 403
    assert Candidate.objects.get(pk=candidate_b.pk).status != CandidateStatus.REJECTED
    viewer_page.context.close()

    # The README's screenshots in docs/ change only when asked for; a test run leaves the checkout clean.
    assert screenshot_files(DOCS_SCREENSHOTS) == tracked_screenshots
    fresh = {name for name, (modified_ns, _) in screenshot_files(SCREENSHOTS).items() if modified_ns >= started_ns}
    assert fresh >= set(tracked_screenshots), "every screenshot the README shows is taken again"
    if env_bool("FACTDESK_UPDATE_SCREENSHOTS"):
        for name in sorted(fresh):
            shutil.copyfile(SCREENSHOTS / name, DOCS_SCREENSHOTS / name)
