"""Headers Django has no setting for, added to every response."""

from django.conf import settings


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
