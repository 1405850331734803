"""French date formats of the portal: Django's own (django.conf.locale.fr).

Long forms "21 juillet 2025" (DATE_FORMAT) and "21 juillet 2025 14:05"
(DATETIME_FORMAT); short forms "21/07/2025" and "21/07/2025 14:05", which
spreadsheets read as dates (exports). Pages that abbreviate the month use
``|date:"j N Y"``: "21 juil. 2025" (never "M", whose "Jul" is English).
"""
