"""config.workers.whole_page: which first bytes of a connection a worker may
serve on its main thread (a whole page request: reading it cannot block)."""

from __future__ import annotations

import pytest

from config.workers import whole_page

HEAD = b"Host: attune.example\r\nCookie: sessionid=x\r\n"


@pytest.mark.parametrize(
    ("data", "whole"),
    [
        (b"GET /history/ HTTP/1.1\r\n" + HEAD + b"\r\n", True),
        (b"POST / HTTP/1.1\r\n" + HEAD + b"Content-Length: 9\r\n\r\nmood=2%2C1", True),
        (b"POST / HTTP/1.1\r\n" + HEAD + b"content-length:9\r\n\r\nmood=2%2C", True),
        # The body is still on its way: a slow client would block the worker.
        (b"POST / HTTP/1.1\r\n" + HEAD + b"Content-Length: 9\r\n\r\nmood", False),
        (b"GET /history/ HTTP/1.1\r\n" + HEAD, False),
        (b"", False),
        # The listening API keeps the threads.
        (b"POST /1/submit-listens HTTP/1.1\r\n" + HEAD + b"Content-Length: 2\r\n\r\n{}", False),
        (b"GET /1/validate-token HTTP/1.1\r\n" + HEAD + b"\r\n", False),
        # Bodies whose end the head does not tell.
        (b"POST / HTTP/1.1\r\n" + HEAD + b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", False),
        (b"POST / HTTP/1.1\r\n" + HEAD + b"Expect: 100-continue\r\n\r\n", False),
        # Not an HTTP/1 request line: the pool's parser answers it.
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", False),
        (b"PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\nGET / HTTP/1.1\r\n\r\n", False),
    ],
)
def test_whole_page(data: bytes, whole: bool) -> None:
    assert whole_page(data) is whole
