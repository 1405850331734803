"""English date formats of the portal, over Django's own (django.conf.locale.en).

The portal is in Paris: English pages read dates the British way, day first,
on the 24-hour clock ("21 July 2025, 14:05", "21/07/2025"), never
"July 21, 2025, 2:05 p.m." or "07/21/2025", so that a date reads the same in
both languages and in the exports.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
