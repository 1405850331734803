"""The API key as DRF and the OpenAPI schema see it.

Keys are resolved by ``access.resolve_access`` (on the readings endpoint in
the same Redis round trip as the rate limit and the cached answer), not here:
``authenticate()`` returns None, so ``request.user`` stays the session's user
or anonymous. This class gives the schema its security scheme (Swagger UI's
"Authorize" button) and DRF its ``WWW-Authenticate`` header.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication

from .access import AUTHENTICATE_HEADER


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        return None

    def authenticate_header(self, request):
        return AUTHENTICATE_HEADER


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "obk_<prefix>_<secret>",
            "description": (
                "An API key of a data access grant, sent as "
                "`Authorization: Bearer obk_...` (or `X-API-Key: obk_...`). "
                "Needed for interval=15min; hourly and daily values are open."
            ),
        }
