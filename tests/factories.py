"""factory_boy factories for the domain's rows, built the way the services build them."""
import factory
from django.utils import timezone

from articles.models import Article, ArticleVersion, Outlet, content_hash
from claims.models import Candidate, Citation, Claim, ClaimStatus, ReviewEvent, Speaker, SpeakerAlias, normalise_name

SAMPLE_TEXT = (
    "The minister, Jane Rivers, spoke on Monday.\n"
    "\u201cWe will cut the deficit by half within four years,\u201d Rivers said.\n"
    "She added that schools would get more money."
)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    url = factory.Sequence(lambda n: f"https://news.example/a/{n}")
    text = SAMPLE_TEXT
    content_hash = factory.LazyAttribute(lambda o: content_hash(o.text))
    source_format = "text"
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_version(obj, create, extracted, **kwargs):
        if create:
            ArticleVersion.objects.create(article=obj, number=1, text=obj.text, content_hash=obj.content_hash, title=obj.title)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Speaker Person{n}")

    @factory.post_generation
    def alias(obj, create, extracted, **kwargs):
        if create:
            SpeakerAlias.objects.create(speaker=obj, alias=obj.name, normalized=normalise_name(obj.name))


def span_of(article, fragment):
    start = article.text.index(fragment)
    return start, start + len(fragment)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    article = factory.SubFactory(ArticleFactory)
    content_hash = factory.LazyAttribute(lambda o: o.article.content_hash)
    kind = "direct"
    start = factory.LazyAttribute(lambda o: span_of(o.article, "\u201cWe will cut")[0])
    end = factory.LazyAttribute(lambda o: span_of(o.article, "four years,\u201d")[1])
    text = factory.LazyAttribute(lambda o: o.article.text[o.start:o.end])
    speaker = factory.SubFactory(SpeakerFactory)
    speaker_text = "Rivers"
    speaker_resolved = True
    cue = "said"
    confidence = 0.9
    extractor_version = "test"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = "We will cut the deficit by half within four years"
    speaker = factory.SubFactory(SpeakerFactory)
    kind = "direct"
    status = ClaimStatus.PROPOSED


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    start = factory.LazyAttribute(lambda o: span_of(o.article, "\u201cWe will cut")[0])
    end = factory.LazyAttribute(lambda o: span_of(o.article, "four years,\u201d")[1])
    quote = factory.LazyAttribute(lambda o: o.article.text[o.start:o.end])
    prefix = factory.LazyAttribute(lambda o: o.article.text[max(0, o.start - 32):o.start])
    suffix = factory.LazyAttribute(lambda o: o.article.text[o.end:o.end + 32])
    content_hash = factory.LazyAttribute(lambda o: o.article.content_hash)


def claim_with_citation(speaker, text="We will cut the deficit by half"):
    """A claim by ``speaker`` cited in one new article (an undo has something to put back)."""
    claim = ClaimFactory(speaker=speaker, text=text)
    CitationFactory(claim=claim, article=ArticleFactory())
    return claim


def last_event(action):
    """The newest audit event of one action."""
    return ReviewEvent.objects.filter(action=action).order_by("-pk").first()
