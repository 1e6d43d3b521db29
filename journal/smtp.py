"""Django's SMTP backend with a *commit point* inside the SMTP transaction.

For an ordinary message it behaves exactly like Django's backend. A message
that carries a `commit_point` callable is sent in three steps:

1. MAIL FROM, RCPT TO, DATA and the whole message body — but not the final
   "<CRLF>.<CRLF>" that tells the server to accept it;
2. `commit_point()` — the caller marks the email sent in its database and
   commits; if it raises (say, the caller lost its claim), the connection is
   dropped mid-DATA and the server discards the message;
3. the terminator, and the server's reply.

A process killed before step 2 commits leaves a half-sent message that the
server throws away, so a retry sends the only copy. Killed after the commit,
the terminator is either already in the kernel's socket buffer (delivered
once) or not yet written (a window of a few microseconds in which the email
is recorded as sent but never accepted). See docs/reflections-delivery.md.
"""

from __future__ import annotations

import contextlib
import email.policy
import smtplib
from collections.abc import Callable
from typing import Any

from django.core.mail.backends import smtp


class CommitPointAborted(Exception):
    """The commit point refused; the message was not accepted by the server."""


class EmailBackend(smtp.EmailBackend):
    def _send(self, email_message: Any) -> bool:
        commit_point: Callable[[], None] | None = getattr(email_message, "commit_point", None)
        if commit_point is None:
            return bool(super()._send(email_message))  # type: ignore[misc]
        if not email_message.recipients():
            return False
        conn = self.connection
        assert conn is not None
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(addr) for addr in email_message.recipients()]
        data = email_message.message(policy=email.policy.SMTP).as_bytes()

        conn.ehlo_or_helo_if_needed()
        code, resp = conn.mail(from_email)
        if code != 250:
            self._reset(conn)
            raise smtplib.SMTPSenderRefused(code, resp, from_email)
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient in recipients:
            code, resp = conn.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, resp)
        if len(refused) == len(recipients):
            self._reset(conn)
            raise smtplib.SMTPRecipientsRefused(refused)  # type: ignore[arg-type]
        conn.putcmd("data")
        code, resp = conn.getreply()
        if code != 354:
            self._reset(conn)
            raise smtplib.SMTPDataError(code, resp)
        body = smtplib._quote_periods(data)  # type: ignore[attr-defined]
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        conn.send(body)
        try:
            commit_point()
        except BaseException:
            # Drop the connection without the terminator: the server discards it.
            self._drop()
            raise
        conn.send(b".\r\n")
        code, resp = conn.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, resp)
        return True

    @staticmethod
    def _reset(conn: smtplib.SMTP) -> None:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            conn.rset()

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None
