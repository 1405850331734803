"""The keyed readings lane: API-key reads skip the site's own middleware.

Placed right after the security headers (``SecurityMiddleware``,
Permissions-Policy, WhiteNoise, CSP), it hands a ``GET`` of the readings
endpoint to ``views.fast_readings``, which answers keyed JSON reads and
returns None for anything else (the request then goes down the usual stack).
The middleware it skips do nothing for such a request: sessions, CSRF
(a read), authentication (the key is the identity), messages, allauth, the
back office's MFA guard; what they would add to the answer
(``Vary: Accept-Language``, ``Content-Language``, ``X-Frame-Options``,
``Content-Length``) ``fast_readings`` adds itself. The outer middleware still
add their headers on the way out.
"""

from django.urls import reverse

from . import views


class KeyedReadingsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if request.method == "GET":
            if self.path is None:
                self.path = reverse("api:readings")
            if request.path_info == self.path:
                response = views.fast_readings(request)
                if response is not None:
                    return response
        return self.get_response(request)
