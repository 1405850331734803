from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import escape_uri_path


def portal(request):
    """Expose the few settings every template needs, and the language links."""
    return {
        "PORTAL_DPO_EMAIL": settings.PORTAL_DPO_EMAIL,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "PORTAL_SITE_URL": settings.SITE_URL,
        "language_links": language_links(request),
    }


def _prefix(language):
    # i18n_patterns(prefix_default_language=False): French pages have no prefix.
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


def _path_in(request, language, current):
    match = request.resolver_match
    if match is not None and match.view_name:
        try:
            with translation.override(language):
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            pass
    # No route (a 404 page) or one that does not reverse: swap the prefix.
    path = request.path_info
    old = _prefix(current)
    if old and (path == old or path.startswith(old + "/")):
        path = path[len(old) :]
    # One leading slash: "//host/" would be a link to another site.
    return _prefix(language) + escape_uri_path("/" + path.lstrip("/"))


def language_links(request):
    """Return this page in each language: ``[{code, name, url, is_current}]``.

    The language lives in the URL (``/`` French, ``/en/`` English), so the
    switch is a plain link to the same page under the other prefix, with its
    query string. Django's ``set_language`` cannot do it from an ``/en/`` page:
    its own URL carries no language, so it resolves ``next`` in French.
    """
    current = (
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    )
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        url = (
            request.get_full_path()
            if code == current
            else _path_in(request, code, current)
        )
        if code != current and query:
            url = f"{url}?{query}"
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"][:1].upper() + info["name_local"][1:],
                "url": url,
                "is_current": code == current,
            }
        )
    return links
