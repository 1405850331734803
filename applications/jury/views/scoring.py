"""Jury pages: scoring."""

# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = []
