"""A real SMTP server (aiosmtpd) on a free localhost port, for the outbox tests.

The server counts every DATA it is offered and every message it accepts; it
can answer ``451`` to the next DATA commands, be stopped (connections
refused) and be started again on the same port.
"""

import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """The aiosmtpd handler: accepts, refuses or slows down DATA."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.data_commands = 0
        self.refuse_next = 0
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_commands += 1
            if self.refuse_next:
                self.refuse_next -= 1
                return "451 4.3.0 Mailbox temporarily unavailable"
        if self.delay:
            time.sleep(self.delay)  # holds the server: the sender waits too
        with self.lock:
            self.messages.append(
                message_from_bytes(envelope.content, policy=policy.default)
            )
        return "250 2.0.0 OK"


class SMTPServer:
    def __init__(self, port):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    @property
    def messages(self):
        with self.mailbox.lock:
            return list(self.mailbox.messages)

    def refuse(self, times):
        """Answer ``451`` to the next ``times`` DATA commands."""
        self.mailbox.refuse_next = times

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django's SMTP backend points at it."""
    server = SMTPServer(free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
