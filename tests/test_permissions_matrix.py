"""The permission matrix: every URL pattern × every kind of visitor, each status asserted.

The URL patterns are walked from the root URLconf when the tests are collected, so a new
screen, admin page or API endpoint becomes a test case by itself. What each visitor should get
comes from ``RULES``, a small declarative table matched by URL name; a pattern that no rule
covers fails (``test_every_url_pattern_has_a_rule``), so nobody can add an endpoint that this
matrix does not check. Every request a visitor is refused must also leave every row as it was.

Visitors: anonymous, an outsider (signed in, in no desk group), viewer, editor, admin (staff),
the viewer's API token (read-only) and the editor's API token. Tokens authenticate the API
only; on the screens and the Django admin they count for nothing.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.authtoken.models import Token

from articles.models import ArticleVersion, Feed
from claims import services
from claims.models import (
    ArticleExtraction,
    Candidate,
    Claim,
    ClaimShingle,
    Match,
    ReviewEvent,
    SpeakerAlias,
    SpeakerRole,
)
from tests.factories import ArticleFactory, CandidateFactory, CitationFactory, ClaimFactory, SpeakerFactory

ANON, OUTSIDER, VIEWER, EDITOR, ADMIN, VIEWER_TOKEN, EDITOR_TOKEN = (
    "anonymous", "outsider", "viewer", "editor", "admin", "viewer token", "editor token",
)
ROLES = (ANON, OUTSIDER, VIEWER, VIEWER_TOKEN, EDITOR, EDITOR_TOKEN, ADMIN)
SIGNED_IN = (OUTSIDER, VIEWER, EDITOR, ADMIN)
TOKENS = (VIEWER_TOKEN, EDITOR_TOKEN)
MISSING_PK = 987654


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expect:
    statuses: frozenset
    location: str = ""  # a redirect must point here (prefix)

    def check(self, response) -> str:
        if response.status_code not in self.statuses:
            return f"got {response.status_code}, expected {'/'.join(map(str, sorted(self.statuses)))}"
        if self.location and not response.get("Location", "").startswith(self.location):
            return f"redirected to {response.get('Location')!r}, expected {self.location}…"
        return ""


def expect(*statuses, location=""):
    return Expect(frozenset(statuses), location)


OK = expect(200)
FORBIDDEN = expect(403)
TO_LOGIN = expect(302, location="/accounts/login/")
TO_ADMIN_LOGIN = expect(302, location="/admin/login/")
API_DENIED = expect(401, 403)
# Allowed to try: done (200/201/204), done and redirected (302/303), or refused with a reason
# an editor can read (400/409/422). Never 401/403 (wrongly forbidden), 404/405 or 500.
ACCEPTED = expect(200, 201, 202, 204, 302, 303, 400, 409, 422)
REFUSALS = (FORBIDDEN, TO_LOGIN, TO_ADMIN_LOGIN, API_DENIED)


def screen(method, role):
    """A desk screen anyone in a desk group may read."""
    if role == ANON or role in TOKENS:
        return TO_LOGIN
    return FORBIDDEN if role == OUTSIDER else OK


def review(method, role):
    """A decision (or its form): editors and admins only."""
    if role == ANON or role in TOKENS:
        return TO_LOGIN
    if role in (OUTSIDER, VIEWER):
        return FORBIDDEN
    return OK if method == "GET" else ACCEPTED


def api_read(method, role):
    if role == ANON:
        return API_DENIED
    return FORBIDDEN if role == OUTSIDER else OK


def api_write(method, role):
    if role == ANON:
        return API_DENIED
    if role in (OUTSIDER, VIEWER, VIEWER_TOKEN):
        return FORBIDDEN
    return ACCEPTED


def api_read_and_write(method, role):
    return api_read(method, role) if method == "GET" else api_write(method, role)


def decision(method, role):
    """A decision posted from a screen: a GET is refused for everyone before anything else."""
    return expect(405) if method == "GET" else review(method, role)


def own_inbox(method, role):
    """Marking one's own "For me" page read: any desk role, by POST."""
    if method == "GET":
        return expect(405)
    if role == ANON or role in TOKENS:
        return TO_LOGIN
    return FORBIDDEN if role == OUTSIDER else expect(302)


def public(method, role):
    return OK


def api_docs(method, role):
    """The API's docs page: a desk role reads it (tokens too); the signed-out are asked to sign in (401)."""
    if role == ANON:
        return expect(401)
    return FORBIDDEN if role == OUTSIDER else OK


def not_found(method, role):
    return expect(404)


def sign_in_page(method, role):
    # Signed-in people are sent on to the desk; tokens do not sign anyone in to the screens.
    return expect(302) if role in SIGNED_IN else OK


def sign_out(method, role):
    return expect(302)


def django_admin(method, role, *, staff_expectation=OK):
    if role != ADMIN:
        return TO_ADMIN_LOGIN
    return staff_expectation


def django_admin_login(method, role):
    return expect(302) if role == ADMIN else OK


def django_admin_logout(method, role):
    # Non-staff are sent to the admin index (then its sign-in); staff must POST to sign out.
    return expect(405) if role == ADMIN else expect(302, location="/admin/")


@dataclass(frozen=True)
class Rule:
    names: str  # fnmatch pattern over "namespace:name" (unnamed patterns: their route)
    policy: object
    methods: tuple = ("GET",)
    objects: dict = field(default_factory=dict)  # URL kwarg -> key in the desk fixture
    api: bool = False


# The table. First match wins. Keep it short: add a line when you add a screen or endpoint.
RULES = [
    # Sign-in and sign-out.
    Rule("login", sign_in_page),
    Rule("logout", sign_out, methods=("POST",)),
    # Review screens: read by every desk role (GET only).
    Rule("claims:dashboard", screen),
    Rule("claims:operations", screen),
    Rule("claims:queue", screen),
    Rule("claims:search", screen),
    Rule("claims:article", screen, objects={"pk": "article"}),
    Rule("claims:claim", screen, objects={"pk": "claim"}),
    Rule("claims:speaker", screen, objects={"pk": "speaker"}),
    # The Import screen: its form (GET) and the import (POST) are for editors and admins.
    Rule("articles:import", review, methods=("GET", "POST")),
    # Decisions posted from the screens: editors and admins (POST only).
    Rule("claims:bulk", decision, methods=("GET", "POST")),
    Rule("claims:bulk-class", decision, methods=("GET", "POST")),
    Rule("claims:queue-claim-*", decision, methods=("GET", "POST"), objects={"pk": "claim"}),
    Rule("claims:candidate-*", decision, methods=("GET", "POST"), objects={"pk": "candidate"}),
    Rule("claims:match-*", decision, methods=("GET", "POST"), objects={"pk": "match"}),
    Rule("claims:cite", decision, methods=("GET", "POST")),
    Rule("claims:claim-merge", decision, methods=("GET", "POST")),
    Rule("claims:claim-*", decision, methods=("GET", "POST"), objects={"pk": "claim"}),
    Rule("claims:citation-split", decision, methods=("GET", "POST"), objects={"pk": "citation"}),
    Rule("claims:undo", decision, methods=("GET", "POST"), objects={"pk": "event"}),
    Rule("claims:speaker-merge", decision, methods=("GET", "POST")),
    Rule("claims:speaker-*", decision, methods=("GET", "POST"), objects={"pk": "speaker"}),
    # The desk's own checks: the panel's moves and notes (editors), the "For me" page (every desk role).
    Rule("claims:check-take-up", decision, methods=("GET", "POST"), objects={"pk": "claim"}),
    Rule("claims:note-add", decision, methods=("GET", "POST"), objects={"pk": "claim"}),
    Rule("claims:check-*", decision, methods=("GET", "POST"), objects={"pk": "check"}),
    Rule("claims:for-me", screen),
    # Fact-check links suggested on a claim page: confirmed or rejected by editors.
    Rule("claims:factcheck-link-*", decision, methods=("GET", "POST"), objects={"pk": "factcheck_link"}),
    Rule("claims:for-me-read", own_inbox, methods=("GET", "POST")),
    # The API: reads for every desk role, decisions and imports for editors.
    Rule("api-schema", api_read, api=True),
    # The interactive docs page: a desk role reads it; others get a page saying how to get in.
    Rule("api-docs", api_docs),
    Rule("api-root", api_read, api=True),
    Rule("api/v1/^*", not_found, api=True),  # the unnamed catch-all: what no API route matches is a JSON 404
    Rule("export-claims*", api_read, api=True),
    Rule("article-list", api_read_and_write, methods=("GET", "POST"), api=True),
    Rule("deskcheck-list", api_read_and_write, methods=("GET", "POST"), api=True),
    Rule("note-list", api_read_and_write, methods=("GET", "POST"), api=True),
    Rule("proposal-quality-list", api_read, api=True),  # how editors decided the proposals: a read
    Rule("*-list", api_read, api=True),
    Rule("outlet-detail", api_read, api=True, objects={"pk": "outlet"}),
    Rule("article-detail", api_read, api=True, objects={"pk": "article"}),
    Rule("speaker-detail", api_read, api=True, objects={"pk": "speaker"}),
    Rule("citation-detail", api_read, api=True, objects={"pk": "citation"}),
    Rule("candidate-detail", api_read, api=True, objects={"pk": "candidate"}),
    Rule("candidate-*", api_write, methods=("POST",), api=True, objects={"pk": "candidate"}),
    Rule("claim-detail", api_read, api=True, objects={"pk": "claim"}),
    Rule("claim-*", api_write, methods=("POST",), api=True, objects={"pk": "claim"}),
    Rule("match-detail", api_read, api=True, objects={"pk": "match"}),
    Rule("match-*", api_write, methods=("POST",), api=True, objects={"pk": "match"}),
    Rule("deskcheck-detail", api_read, api=True, objects={"pk": "check"}),
    Rule("deskcheck-*", api_write, methods=("POST",), api=True, objects={"pk": "check"}),
    Rule("note-detail", api_read, api=True, objects={"pk": "note"}),
    Rule("factcheck-detail", api_read, api=True, objects={"pk": "factcheck"}),
    Rule("factchecklink-detail", api_read, api=True, objects={"pk": "factcheck_link"}),
    Rule("factchecklink-*", api_write, methods=("POST",), api=True, objects={"pk": "factcheck_link"}),
    # The Django admin: staff only; what staff get is worked out from each ModelAdmin below.
    Rule("admin:login", django_admin_login),
    Rule("admin:logout", django_admin_logout),
    Rule("admin:*", django_admin),
    Rule("admin/*", django_admin),
]


def rule_for(endpoint) -> Rule | None:
    for rule in RULES:
        if fnmatchcase(endpoint.key, rule.names):
            return rule
    return None


# --------------------------------------------------------------------------- walking the URLconf


@dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name", or the full route for an unnamed pattern
    route: str
    segments: tuple  # (pattern object, ...) from the root down
    callback: object = field(compare=False)

    def __str__(self):
        return self.key


def walk(resolver: URLResolver, segments=(), namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from walk(entry, segments + (entry.pattern,), inner)
        elif isinstance(entry, URLPattern):
            route = "".join(str(p) for p in segments + (entry.pattern,))
            key = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            yield Endpoint(key, route, segments + (entry.pattern,), entry.callback)


def all_endpoints(resolver=None) -> list[Endpoint]:
    return list(walk(resolver or get_resolver()))


_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _fill_regex(regex: str, values: dict) -> str:
    out, i = [], 0
    while i < len(regex):
        match = _GROUP.match(regex, i)
        if match:
            depth, j = 1, match.end()
            while depth and j < len(regex):  # skip to the group's closing parenthesis
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append(str(values[match["name"]]))
            i = j
            continue
        out.append(regex[i])
        i += 1
    text = "".join(out)
    text = text.replace("\\.", ".").replace("/?", "/").replace("\\Z", "")
    return text.lstrip("^").rstrip("$")


def kwarg_names(endpoint: Endpoint) -> list[str]:
    names = []
    for segment in endpoint.segments:
        if isinstance(segment, RoutePattern):
            names.extend(m["parameter"] for m in _CONVERTER.finditer(str(segment)))
        elif isinstance(segment, RegexPattern):
            names.extend(m["name"] for m in _GROUP.finditer(str(segment)))
    return names


def _converted(match, values) -> str:
    value = str(values[match["parameter"]])
    # DRF's format-suffix converter matches ".json", dot included.
    return f".{value}" if (match["converter"] or "").startswith("drf_format_suffix") else value


def build_url(endpoint: Endpoint, values: dict) -> str:
    parts = []
    for segment in endpoint.segments:
        text = str(segment)
        if isinstance(segment, RoutePattern):
            text = _CONVERTER.sub(lambda m: _converted(m, values), text)
        else:
            text = _fill_regex(text, values)
        parts.append(text)
    url = "/" + "".join(parts)
    # The URL must lead back to this very pattern, or the matrix would test another one.
    found = resolve(url)
    assert found.func == endpoint.callback, f"{url} resolves to {found.view_name}, not {endpoint}"
    return url


# --------------------------------------------------------------------------- the desk


def _desk_admin_object(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the matrix fixture has no {model._meta.label} row; create one in the desk fixture"
    return obj


@pytest.fixture
def desk(db):
    """One of everything a URL can point at, and a user and client for every role."""
    cache.clear()  # throttles (sign-in, DRF) count per cache; start each test from zero
    if not Group.objects.filter(name="viewer").exists():
        from factdesk.roles import sync_groups

        sync_groups(Group, Permission)

    def user(name, group=None, **extra):
        # No password: clients sign in with force_login, and hashing 4 passwords per case is slow.
        person = User.objects.create(username=name, **extra)
        if group:
            person.groups.add(Group.objects.get(name=group))
        return person

    users = {
        OUTSIDER: user("olly-outsider"),
        VIEWER: user("vera-viewer", "viewer"),
        EDITOR: user("eddie-editor", "editor"),
        ADMIN: user("ada-admin", "admin", is_staff=True),
    }
    tokens = {VIEWER_TOKEN: Token.objects.create(user=users[VIEWER]), EDITOR_TOKEN: Token.objects.create(user=users[EDITOR])}

    speaker = SpeakerFactory(name="Jane Rivers")
    SpeakerRole.objects.create(speaker=speaker, role="Finance Minister", normalized="finance minister")
    candidate = CandidateFactory(speaker=speaker)
    article = candidate.article
    claim = ClaimFactory(speaker=speaker, text=candidate.text.strip("\u201c\u201d,"))
    citation = CitationFactory(claim=claim, article=article, candidate=candidate, start=candidate.start, end=candidate.end)
    Candidate.objects.filter(pk=candidate.pk).update(claim=claim)
    other = CandidateFactory(speaker=speaker, article=ArticleFactory(outlet=article.outlet))
    match = Match.objects.create(candidate=other, claim=claim, score=0.8, relation="paraphrase")
    services.edit_claim(claim_id=claim.pk, actor=users[EDITOR], rating="Misleading")
    ArticleExtraction.objects.create(article=article, status="done", extractor_version="test", content_hash=article.content_hash)
    ClaimShingle.objects.create(claim=claim, value=12345)
    feed = Feed.objects.create(url="https://news.example/feed.xml", outlet=article.outlet)
    objects = {
        "article": article,
        "version": ArticleVersion.objects.filter(article=article).first(),
        "outlet": article.outlet,
        "speaker": speaker,
        "alias": SpeakerAlias.objects.filter(speaker=speaker).first(),
        "candidate": candidate,
        "claim": claim,
        "citation": citation,
        "match": match,
        "event": ReviewEvent.objects.order_by("-pk").first(),
        "feed": feed,
    }
    webhook_model = apps.get_model("claims", "Webhook")
    webhook = webhook_model.objects.create(name="Partner", url="https://partner.example/hook", secret="s" * 32)
    apps.get_model("claims", "WebhookDelivery").objects.create(webhook=webhook, event="claim.confirmed", payload={})
    objects["webhook"] = webhook
    objects["check"] = services.take_up_claim(claim_id=claim.pk, actor=users[EDITOR])
    objects["note"] = services.add_note(claim_id=claim.pk, actor=users[EDITOR], text="Ask @vera-viewer")
    factcheck_model, link_model = apps.get_model("claims", "FactCheck"), apps.get_model("claims", "FactCheckLink")
    objects["factcheck"] = factcheck_model.objects.create(
        key="matrix-review", claim_reviewed="The deficit was cut by half", rating="False", source_format="jsonl"
    )
    objects["factcheck_link"] = link_model.objects.create(claim=claim, factcheck=objects["factcheck"], score=0.8)
    objects["factcheck_feed"] = apps.get_model("claims", "FactCheckFeed").objects.create(
        url="https://factchecker.example/feed.xml", name="Harbour Fact Check")
    return {"users": users, "tokens": tokens, "objects": objects}


def desk_rows():
    """Every row of the desk's own tables and its users, to prove a refused request changed nothing."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in ("articles", "claims", "auth", "authtoken"):
            rows[model._meta.label] = sorted(map(repr, model._default_manager.values_list()))
    return rows


def object_for_kwarg(endpoint: Endpoint, name: str, rule: Rule, desk) -> object:
    objects = desk["objects"]
    view_class = getattr(endpoint.callback, "cls", None) or getattr(endpoint.callback, "view_class", None)
    if name in rule.objects:
        return getattr(objects[rule.objects[name]], getattr(view_class, "lookup_field", "pk"))
    if name in ("format", "fmt"):
        return "json"
    if endpoint.key.startswith("admin:") or endpoint.route.startswith("admin/"):
        return _admin_kwarg(endpoint, name)
    queryset = getattr(view_class, "queryset", None)
    model = queryset.model if queryset is not None else getattr(view_class, "model", None)
    if model is not None:
        lookup = getattr(view_class, "lookup_field", "pk")
        for obj in objects.values():
            if isinstance(obj, model):
                return getattr(obj, lookup)
    raise AssertionError(f"the rule for {endpoint} must say which desk object fills <{name}> (Rule(objects=...))")


def _admin_model(endpoint):
    """The model an admin URL belongs to, and the page ("change", "delete", …), from its route."""
    for model, model_admin in admin.site._registry.items():
        if endpoint.route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            return model, model_admin, endpoint.key.removeprefix(prefix) if endpoint.key.startswith(prefix) else "redirect"
    return None, None, ""


def _admin_kwarg(endpoint, name):
    if endpoint.key == "admin:view_on_site" and name == "object_id":
        return Claim.objects.order_by("pk").first().pk
    if name in ("object_id", "id"):
        model, _, _ = _admin_model(endpoint)
        return _desk_admin_object(model).pk
    if name == "app_label":
        return "claims"
    if name == "content_type_id":
        return ContentType.objects.get_for_model(Claim).pk
    if name == "url":
        return "no-such-admin-page/"
    raise AssertionError(f"no value for admin URL kwarg <{name}> in {endpoint}")


def staff_expectation(endpoint: Endpoint, admin_user) -> Expect:
    """What a staff admin gets from a Django admin page: decided by that page's ModelAdmin."""
    special = {
        "admin:autocomplete": FORBIDDEN,  # without the field it completes for
        "admin:view_on_site": expect(302, 404),
    }
    if endpoint.key in special:
        return special[endpoint.key]
    model, model_admin, action = _admin_model(endpoint)
    if model is None:
        return OK if endpoint.key.startswith("admin:") else expect(404)  # the catch-all for unknown pages
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    obj = _desk_admin_object(model)
    allowed = {
        "changelist": model_admin.has_view_or_change_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_view_or_change_permission(request, obj),
        "history": model_admin.has_view_or_change_permission(request, obj),
        "delete": model_admin.has_delete_permission(request, obj),
        "password_change": model_admin.has_change_permission(request, obj),
    }.get(action, True)
    if action == "redirect":  # admin/<app>/<model>/<id>/ forwards to the change page
        return expect(301, 302)
    return OK if allowed else FORBIDDEN


# --------------------------------------------------------------------------- requests


def client_for(role, desk) -> Client:
    if role in TOKENS:
        return Client(HTTP_AUTHORIZATION=f"Token {desk['tokens'][role].key}")
    client = Client()
    if role != ANON:
        client.force_login(desk["users"][role])
    return client


def send(client, method, url, *, api):
    try:
        if method == "GET":
            return client.get(url)
        if api:
            return client.generic(method, url, data=json.dumps({}), content_type="application/json")
        return client.generic(method, url, data="", content_type="application/x-www-form-urlencoded")
    except Exception as exc:  # a view that raises is a 500 for the visitor; report it as one
        return _Raised(exc)


class _Raised:
    status_code = 500

    def __init__(self, exc):
        self.exc = exc

    def get(self, name, default=""):
        return default

    def __repr__(self):
        return f"500 ({type(self.exc).__name__}: {self.exc})"


def _case_id(endpoint, endpoints):
    # Format-suffix twins share a name; tell them apart by their extra kwarg.
    twins = sum(1 for e in endpoints if e.key == endpoint.key)
    return endpoint.key if twins == 1 else f"{endpoint.key}({','.join(kwarg_names(endpoint))})"


def cases():
    endpoints = all_endpoints()
    for endpoint in endpoints:
        rule = rule_for(endpoint)
        for method in (rule.methods if rule else ("GET",)):
            yield pytest.param(endpoint, method, id=f"{method} {_case_id(endpoint, endpoints)}")


@pytest.mark.parametrize("endpoint,method", list(cases()))
def test_every_role_gets_the_expected_answer(endpoint, method, desk):
    rule = rule_for(endpoint)
    assert rule is not None, f"{endpoint} ({endpoint.route}) has no rule in RULES: decide who may use it"
    values = {name: object_for_kwarg(endpoint, name, rule, desk) for name in kwarg_names(endpoint)}
    url = build_url(endpoint, values)

    def expectation(role):
        if rule.policy is django_admin:
            return django_admin(method, role, staff_expectation=staff_expectation(endpoint, desk["users"][ADMIN]))
        return rule.policy(method, role)

    clients = {role: client_for(role, desk) for role in ROLES}
    failures = []
    # Refused visitors first: their requests must change nothing at all.
    refused_roles = [r for r in ROLES if expectation(r) in REFUSALS]
    allowed_roles = [r for r in ROLES if r not in refused_roles]
    before = desk_rows()
    for role in refused_roles:
        response = send(clients[role], method, url, api=rule.api)
        problem = expectation(role).check(response)
        if problem:
            failures.append(f"{role:>12} {method} {url}: {problem} {response!r}")
    changed = [label for label, rows in desk_rows().items() if rows != before[label]]
    assert not changed, f"{method} {url} by refused visitors changed {changed}"
    for role in allowed_roles:
        response = send(clients[role], method, url, api=rule.api)
        problem = expectation(role).check(response)
        if problem:
            failures.append(f"{role:>12} {method} {url}: {problem} {response!r}")
    assert not failures, "\n".join(failures)


def test_every_url_pattern_has_a_rule():
    missing = [f"{e.key}  ({e.route})" for e in all_endpoints() if rule_for(e) is None]
    assert not missing, "URL patterns without a rule in tests/test_permissions_matrix.py RULES:\n" + "\n".join(missing)


def test_a_new_pattern_without_a_rule_is_caught():
    from django.http import HttpResponse
    from django.urls import path

    def unchecked(request):
        return HttpResponse("anyone")

    urlconf = [*get_resolver().url_patterns, path("brand-new/", unchecked, name="brand-new-endpoint")]
    known = {e.key for e in all_endpoints() if rule_for(e) is None}
    endpoints = all_endpoints(URLResolver(RegexPattern(r"^/"), urlconf))
    assert {e.key for e in endpoints if rule_for(e) is None} - known == {"brand-new-endpoint"}


def detail_cases():
    for endpoint in all_endpoints():
        rule = rule_for(endpoint)
        if rule and rule.policy in (screen, api_read) and rule.objects:
            yield pytest.param(endpoint, id=endpoint.key)


@pytest.mark.parametrize("endpoint", list(detail_cases()))
def test_a_missing_object_is_404_for_readers_and_hidden_from_others(endpoint, desk):
    rule = rule_for(endpoint)
    values = {name: object_for_kwarg(endpoint, name, rule, desk) for name in kwarg_names(endpoint)}
    values.update({name: MISSING_PK for name in rule.objects})
    url = build_url(endpoint, values)
    reader = client_for(VIEWER_TOKEN if rule.api else VIEWER, desk)
    assert reader.get(url).status_code == 404, url
    stranger = client_for(ANON, desk).get(url)
    # No existence leak: an anonymous visitor is turned away before any lookup.
    assert (API_DENIED if rule.api else TO_LOGIN).check(stranger) == "", url
