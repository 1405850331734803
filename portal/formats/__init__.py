"""Date formats per language (``FORMAT_MODULE_PATH``), and the units of file
sizes as French writes them.

Django's ``filesizeformat`` says "10,5 Mio" in French; the portal's own
catalogue translates the same messages as "10,5 Mo", so that every size reads
the same in lists, receipts and error messages (which use ``filesizeformat``
too). The ``gettext_noop`` calls keep these messages in the catalogue.
"""

from django.utils.translation import gettext_noop

FILE_SIZE_UNITS = [
    gettext_noop("%s KB"),
    gettext_noop("%s MB"),
    gettext_noop("%s GB"),
]
