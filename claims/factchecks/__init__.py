"""The fact-check library: published ClaimReviews, their import, and their links to the desk's claims.

- ``models``: ``FactCheck`` (one review of one claim by one fact-checker, versioned when the
  publisher changes it) and ``FactCheckLink`` (a claim that repeats a checked claim: suggested,
  confirmed or rejected);
- ``parsing``: pure: bytes in (an HTML page's ClaimReview markup, ClaimReview JSON/JSON-LD, a
  DataFeed, JSON Lines, plain ``{id, text, ...}`` lines), ``ParsedFactCheck`` records out;
- ``library``: storing parsed records, one transaction each, idempotent, versioned;
- ``feeds``: polling the fact-checkers' feeds (``FactCheckFeed``, by Celery beat) into the library;
- ``linking``: comparing claims with the library through the matching retriever, and the
  editor's confirm / reject decisions (audited, undoable);
- ``api``, ``views``: the ``/api/v1/factchecks/`` resource and the claim page's panel.
"""
