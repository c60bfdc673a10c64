from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # Importing leads to extraction: wired here, in code, because articles never imports claims.
        from articles.hooks import listen_to_changed_articles
        from claims.tasks import queue_extraction_for_articles

        listen_to_changed_articles(queue_extraction_for_articles)
