"""The one PDF pipeline: HTML templates rendered by WeasyPrint, fetching only our static files.

Apps register a kind of document with how to build it and who may read it; documents are built
once per (kind, key) by a Celery task (kerne.tasks.dokument_byg) and cached.
"""

from __future__ import annotations

import functools
import mimetypes
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from kerne.models import Dokument

# A base URL no network can answer: every reference resolves under it, and the fetcher maps
# only its /static/ paths to files on disk. Anything else (http, file:, data of other hosts)
# is refused, so a template can never make the renderer reach the network or the filesystem.
BASE_URL = "https://pdf.helhedsindsats.invalid/"


class ForbiddenResourceError(ValueError):
    pass


def static_resource(url: str) -> tuple[bytes, str | None]:
    """The bytes and MIME type of one of our static files named by a URL under BASE_URL."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(static_prefix):
        raise ForbiddenResourceError(f"PDF rendering may fetch only our static files, not {url!r}")
    relative = unquote(parts.path[len(static_prefix) :])
    if ".." in relative.split("/"):
        raise ForbiddenResourceError(f"Path escapes the static folder: {url!r}")
    path = finders.find(relative)
    if not path:
        candidate = settings.STATIC_ROOT / relative
        path = str(candidate) if candidate.is_file() else None
    if not path:
        raise ForbiddenResourceError(f"No such static file: {relative!r}")
    with open(path, "rb") as handle:
        return handle.read(), mimetypes.guess_type(path)[0]


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher, answering only from our static files; a refused resource is
        left out of the document (WeasyPrint logs it) rather than fetched."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            content, mime_type = static_resource(url)
            return URLFetcherResponse(
                url, body=content, headers={"Content-Type": mime_type or "application/octet-stream"}
            )

    return StaticOnlyFetcher(allowed_protocols=["https"])


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes (tagged for accessibility, A4)."""
    return render_html(render_to_string(template_name, context))


class PdfLimitError(RuntimeError):
    """Rendering was stopped: the document was too large, too slow or needed too much memory."""


def render_html(html: str) -> bytes:
    """PDF bytes of an HTML document, rendered in a child process with limits.

    The child gets PDF_MAX_SECONDS of wall time and PDF_MAX_MEMORY_MB of address space above
    what it inherits; a pathological document (a huge table, deep nesting, a giant image)
    stops there instead of taking the worker, and the web process in the embedded default,
    down with it. Forking also returns WeasyPrint's memory to the system after every document.
    """
    size = len(html.encode("utf-8"))
    if size > settings.PDF_MAX_HTML_BYTES:
        raise PdfLimitError(
            f"The document's HTML is {size} bytes; the limit is {settings.PDF_MAX_HTML_BYTES}"
        )
    _warm_for_children()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_in_child,
        args=(html, sender, settings.PDF_MAX_MEMORY_MB * 1024 * 1024),
        name="pdf-render",
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.PDF_MAX_SECONDS):
            raise PdfLimitError(f"Rendering took longer than {settings.PDF_MAX_SECONDS} s")
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            # The child died without an answer: killed by the memory limit or a crash in C.
            raise PdfLimitError("Rendering stopped without a result (memory limit?)") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome != "ok":
        raise PdfLimitError(f"Rendering failed in the child process: {payload}")
    return payload


@functools.cache
def _warm_for_children() -> None:
    """Once per process: WeasyPrint imported and one trusted document (the PDF layout with its
    stylesheet, no data) rendered, so every forked child inherits the loaded fonts, the parsed
    stylesheet and the text shaper's caches instead of building them again for each document
    (measured: about 30 ms of a typical plan's render). Rendering leaves no threads behind, so
    forking after it is safe."""
    from weasyprint import HTML

    layout = render_to_string("kerne/pdf_base.html", {})
    HTML(string=layout, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


def _render_in_child(html: str, sender, memory_budget: int) -> None:
    import gc
    import resource

    # The child's garbage collections would otherwise walk every object inherited from the
    # worker, writing to each one's header and so copying the whole heap page by page: measured,
    # that made a plan's PDF take 1.2-1.3x as long as WeasyPrint alone; frozen, 0.7-0.8x.
    gc.freeze()

    from weasyprint import HTML

    try:
        # RLIMIT_AS counts address space: allow what the fork inherited plus the budget.
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        limit = pages * resource.getpagesize() + memory_budget
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
        sender.send(("ok", document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)))
    except (MemoryError, SystemError) as error:
        # Under RLIMIT_AS an allocation that fails inside C code may surface as SystemError
        # rather than MemoryError; both mean the budget ran out.
        sender.send(("error", f"memory limit ({type(error).__name__})"))
    except Exception as error:
        sender.send(("error", type(error).__name__))
    finally:
        sender.close()


@dataclass(frozen=True)
class DocumentKind:
    build: Callable[[Dokument], tuple[str, dict]]
    may_read: Callable[[Any, Dokument], bool]


_KINDS: dict[str, DocumentKind] = {}


def register(
    kind: str,
    *,
    build: Callable[[Dokument], tuple[str, dict]],
    may_read: Callable[[Any, Dokument], bool],
) -> None:
    """An app's kind of document: how to build it (template, context) and who may read it."""
    _KINDS[kind] = DocumentKind(build=build, may_read=may_read)


def kind_of(dokument: Dokument) -> DocumentKind:
    try:
        return _KINDS[dokument.kind]
    except KeyError:
        raise LookupError(f"No document kind {dokument.kind!r} is registered") from None
