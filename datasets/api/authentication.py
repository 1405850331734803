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
            "bearerFormat": "obk_<id>_<secret><checksum>",
            "description": (
                "An API key of a data access grant, sent as "
                "`Authorization: Bearer obk_...` (or `X-API-Key: obk_...`), "
                "never in the query string. Needed for interval=15min; hourly "
                "and daily values are open. Format: "
                "`^obk_([0-9a-f]{8})_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$`, the "
                "last 6 characters a CRC32 checksum in base62. Refusals answer "
                "401 or 403 with a JSON `code` (key_malformed, "
                "key_bad_checksum, key_in_query_string, key_unknown, "
                "key_revoked, key_expired, grant_suspended, "
                "key_outside_ip_ranges); 503 `limits_unavailable` when the "
                "limits cannot be counted. A leaked key is reported with "
                "POST /api/v1/keys/leaked/."
            ),
        }
