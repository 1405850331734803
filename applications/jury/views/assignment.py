"""Jury pages: assignment."""

# Juror pages (under /jury/) and organisers' pages (under /gestion/jury/).
urls = []
backoffice_urls = []
