"""The desk's own checks: a claim taken up, worked to a published verdict, with notes and a "For me" inbox.

- ``models``: ``DeskCheck`` (one per claim: assignee, state, the verdict), ``Note`` (plain text
  with @mentions) and ``Notification`` (what the "For me" page lists, with ``InboxState`` saying
  what was read);
- ``rules``: the workflow's transitions and who may make them (pure);
- ``notify``: @mentions in a note, and the email sent when an email backend is configured;
- ``views``, ``forms``, ``urls``, ``api``: the claim page's panel, the "For me" page and
  ``/api/v1/desk-checks/``.

Every change of state is a service in ``claims.services.checking``: audited, undoable.
"""
