"""The API's interactive page: for someone who may not read the schema, a page that says how to get in.

The schema needs a desk role, so the Swagger page alone showed a signed-out reader only
"Failed to load API definition. Forbidden". This view answers them with a sign-in link instead
(and a signed-in reader without a role with what is missing).
"""
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView

from factdesk import roles


class ApiDocsView(SpectacularSwaggerView):
    @extend_schema(exclude=True)  # a page for people, not an operation of the API
    def get(self, request, *args, **kwargs):
        if roles.can_view(request.user):
            return super().get(request, *args, **kwargs)
        signed_in = request.user.is_authenticated
        context = {"signed_in": signed_in, "sign_in_url": f"{reverse('login')}?next={request.path}"}
        return render(request._request, "api_docs_sign_in.html", context, status=403 if signed_in else 401)
