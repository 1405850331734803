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


# Static files are answered by WhiteNoise before the CSP and clickjacking
# middlewares. An SVG opened on its own is a document that could run scripts:
# each static file carries a policy that allows nothing but its own styles.
STATIC_FILE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
)


def add_static_file_headers(headers, path, url):
    """``WHITENOISE_ADD_HEADERS_FUNCTION``: CSP and frame denial on static files
    (HSTS, nosniff, Referrer-Policy and Permissions-Policy come from the
    middlewares that run before WhiteNoise)."""
    headers["Content-Security-Policy"] = STATIC_FILE_CSP
    headers["X-Frame-Options"] = "DENY"
