"""The PDF renderer fetches nothing but our static files, and stops within its limits
(ASVS V12.6.1 server-side request forgery, V12.1 resource limits; issue 10 §3).

A local HTTP server stands in for the network (the cloud metadata address, an intranet
service): every test asserts it received no request.
"""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from familieplan import services as plan_services
from kerne import pdf
from kerne.models import Dokument, Rolle
from tests.factories import family_of
from tests.familieplan.factories import agree, draft_with, integrated

PASSWD_MARK = b"root:x:0:0"


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        self.requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = b"@import url(/nested.css); body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """An HTTP server on a free local port that records every request it gets."""
    handler = type("Handler", (_Recorder,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()


def hostile_references(base: str) -> list[str]:
    """Every way a text could make a renderer reach out, as the HTML a template bug would emit."""
    return [
        f'<link rel="stylesheet" href="{base}/style.css">',
        f'<link rel="attachment" href="{base}/attachment.txt">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<a rel="attachment" href="{base}/a-attachment.txt">vedhæftning</a>',
        f'<img src="{base}/image.png" alt="x">',
        '<img src="http://169.254.169.254/latest/meta-data/" alt="x">',
        '<img src="file:///etc/passwd" alt="x">',
        f'<img src="{base}/redirect" alt="x">',
        f"<style>@import url({base}/import.css); @import '{base}/import2.css';</style>",
        f'<p style="background: url({base}/background.png)">baggrund</p>',
        f'<object data="{base}/object"></object><embed src="{base}/embed">',
        f'<iframe src="{base}/frame"></iframe><svg><image href="{base}/svg.png"/></svg>',
        f"<style>@font-face {{ font-family: x; src: url({base}/font.woff) }}</style>",
    ]


def _attachments(content: bytes) -> dict:
    return PdfReader(io.BytesIO(content)).attachments


def test_hostile_html_renders_without_fetching_anything(listener):
    base, requests = listener
    html = (
        '<!doctype html><html lang="da"><head><title>t</title>'
        '<link rel="stylesheet" href="/static/css/pdf.css">'
        + "".join(hostile_references(base))
        + "</head><body><h1>Plan</h1></body></html>"
    )

    content = pdf.render_html(html)

    assert content.startswith(b"%PDF-")
    assert requests == []
    assert _attachments(content) == {}
    assert PASSWD_MARK not in content


@pytest.mark.django_db
def test_a_plan_holding_hostile_text_renders_it_as_text_and_fetches_nothing(
    listener, make_user, projekt, django_capture_on_commit_callbacks
):
    base, requests = listener
    koordinator = make_user(Rolle.KOORDINATOR)
    integrated(projekt)
    familie = family_of(koordinator, projekt)
    payloads = [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        *hostile_references(base),
    ]
    version = draft_with(
        koordinator,
        familie,
        {
            "titel": payloads[0],
            "tilbud": " ".join(payloads),
            "maal": payloads[1],
            "leverandoer": hostile_references(base)[4][:200],
            "konsekvens_ved_udeblivelse": hostile_references(base)[8],
        },
    )
    version = agree(koordinator, version)
    with django_capture_on_commit_callbacks(execute=True):
        dokument = plan_services.plan_pdf_bestil(
            acting_user=koordinator, version=version, familiens_kopi=False
        )
    dokument.refresh_from_db()
    assert dokument.tilstand == Dokument.Tilstand.FAERDIG, dokument.fejl
    with dokument.fil.open("rb") as handle:
        content = handle.read()

    assert requests == []
    assert _attachments(content) == {}
    assert PASSWD_MARK not in content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = "".join(text.split())
    assert "file:///etc/passwd" in flat  # shown as text
    assert "169.254.169.254" in flat
    assert '<linkrel="attachment"' in flat


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/static/css/pdf.css",
        "http://pdf.helhedsindsats.invalid/static/css/pdf.css",
        "ftp://pdf.helhedsindsats.invalid/static/css/pdf.css",
        f"{pdf.BASE_URL}static/%2e%2e/config/settings.py",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(pdf.ForbiddenResourceError):
        pdf._fetcher().fetch(url)


def test_the_fetcher_follows_no_redirect(listener):
    base, requests = listener
    with pytest.raises(pdf.ForbiddenResourceError):
        pdf._fetcher().fetch(f"{base}/redirect")
    assert requests == []


def _slow_document(paragraphs: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{'ord ' * 40}</td><td>{i * 7}</td></tr>" for i in range(paragraphs)
    )
    return f'<!doctype html><html lang="da"><body><table>{rows}</table></body></html>'


def test_rendering_is_stopped_at_the_time_limit(settings):
    import time

    settings.PDF_MAX_SECONDS = 1
    began = time.monotonic()
    with pytest.raises(pdf.PdfLimitError, match="longer than 1 s"):
        pdf.render_html(_slow_document(20_000))
    assert time.monotonic() - began < 15


def test_rendering_is_stopped_at_the_memory_limit(settings):
    settings.PDF_MAX_MEMORY_MB = 40
    settings.PDF_MAX_SECONDS = 120
    with pytest.raises(pdf.PdfLimitError, match=r"MemoryError|memory limit"):
        pdf.render_html(_slow_document(6_000))


def test_an_oversized_document_is_refused_before_rendering(settings):
    settings.PDF_MAX_HTML_BYTES = 10_000
    with pytest.raises(pdf.PdfLimitError, match="limit is 10000"):
        pdf.render_html(_slow_document(200))


def test_a_document_within_the_limits_still_renders(settings):
    settings.PDF_MAX_SECONDS = 60
    content = pdf.render_html(_slow_document(50))
    assert content.startswith(b"%PDF-")
