"""Headers Django has no setting for, added to every response."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``) to every
    response: pages, the API, file downloads and error pages alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class PrivateDownloadsMiddleware:
    """Send every file download of the site (``Content-Disposition``: the
    personal-data export, receipts, attachments, certificates, dossiers,
    exports) with ``Cache-Control: no-store, private``: no shared cache or
    browser cache keeps a copy after the session. The open-data API sets its
    own caching and is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            "Content-Disposition" in response
            and not request.path.startswith("/api/")
            and "no-store" not in response.get("Cache-Control", "")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
