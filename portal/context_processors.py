from django.conf import settings


def portal(request):
    """Expose the few settings every template needs."""
    return {
        "PORTAL_DPO_EMAIL": settings.PORTAL_DPO_EMAIL,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "PORTAL_SITE_URL": settings.SITE_URL,
    }
