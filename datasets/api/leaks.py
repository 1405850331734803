"""POST /api/v1/keys/leaked/: secret scanners report leaked keys."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from datasets.access.leaks import report_allowed, report_leaked_keys, tokens_in

from . import docs


@extend_schema(
    tags=["keys"],
    summary="Report leaked API keys: they are revoked at once",
    description=(
        "For secret scanners and anyone who finds a key where it should not "
        "be. Each well-formed key (`obk_<id>_<secret><checksum>`) is revoked "
        "at once and its team told by email. The answer is the same whatever "
        "the keys (202), so that it tells nothing about them. No key needed."
    ),
    request=inline_serializer(
        "LeakReport",
        {
            "keys": serializers.ListField(child=serializers.CharField()),
            "where": serializers.CharField(required=False),
        },
    ),
    responses={
        202: OpenApiResponse(description="Received"),
        400: OpenApiResponse(docs.ErrorSerializer, description="No key in the body"),
        429: OpenApiResponse(docs.ErrorSerializer, description="Too many reports"),
    },
)
class LeakReportView(APIView):
    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def post(self, request):
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        if not report_allowed(request._request):
            return Response(
                {"detail": _("Too many reports from your address: try later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "3600"},
            )
        data = request.data if isinstance(request.data, dict) else {}
        raw = data.get("keys", data.get("key", ""))
        if isinstance(raw, list):
            raw = "\n".join(str(item) for item in raw[:20])
        where = data.get("where", "")
        if not isinstance(raw, str) or not tokens_in(raw):
            message = _(
                'No OpenBatignolles API key in this body: send {"keys": ["obk_..."]}.'
            )
            return Response(
                {
                    "detail": message,
                    "errors": [{"parameter": "keys", "message": message}],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        report_leaked_keys(raw, where=where if isinstance(where, str) else "")
        return Response(
            {
                "detail": _(
                    "Received. Every active key among these is now revoked and "
                    "its team told."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )
