"""Logging filters: no API key ever reaches a log line."""

import logging


class RedactApiKeys(logging.Filter):
    """Replace anything shaped like an API key (``obk_...``) in a record's
    message and arguments by ``obk_<id>_[redacted]``: the id names the key,
    the secret never appears."""

    def filter(self, record):
        from datasets.access.keys import ANY_TOKEN_RE, redact

        message = record.getMessage()
        if ANY_TOKEN_RE.search(message):
            record.msg = redact(message)
            record.args = None
        return True
