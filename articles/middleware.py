"""Clear answers for uploads over the limits, instead of Django's bare "Bad Request (400)".

Django refuses a request body with too many files or form fields, or too large a form, while
it parses it, and that happens inside the CSRF middleware, before any view could explain.
This middleware, placed before ``CsrfViewMiddleware``, parses POST bodies first and turns those
refusals into a page that says what the limits are. It also refuses, without reading it, a
body larger than the most an upload can legitimately be.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render

from articles.importers.decoding import human_size


class UploadLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            refusal = self._check(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check(self, request):
        max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        max_file = settings.FACTDESK_MAX_UPLOAD_BYTES
        ceiling = max_files * max_file + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > ceiling:
            return self._refuse(request, 413, f"The upload is {human_size(length)}, more than the {human_size(ceiling)} "
                                              f"an import can be ({max_files} files of at most {human_size(max_file)} each).")
        try:
            request.POST  # noqa: B018 - parsing is the point: it raises the refusals below
            request.FILES  # noqa: B018
        except TooManyFilesSent:
            return self._refuse(request, 400, f"Too many files: at most {max_files} can be sent at once. "
                                              "Split them into several imports.")
        except TooManyFieldsSent:
            return self._refuse(request, 400, "The form sent too many fields.")
        except RequestDataTooBig:
            return self._refuse(request, 413, f"The form data is larger than the {human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} "
                                              "allowed (files are counted separately).")
        return None

    def _refuse(self, request, status, message):
        # API clients get JSON whatever they sent (a multipart upload to /api/ included); people get a page.
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return render(request, "articles/request_refused.html", {"message": message, "status": status}, status=status)
