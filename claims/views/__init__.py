"""Review screens, one module per screen: dashboard, queue, article, claim, speaker, search, operations.

Decisions on a candidate or a match (made from the queue and the article screen) live in
``candidate`` and ``match``; what every screen shares — access checks and ``decide()``, the one
way a POST calls a service and answers — lives in ``base``. ``claims/urls.py`` maps the URLs.
"""
