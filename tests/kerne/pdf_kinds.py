"""Document kinds for the PDF pipeline's tests; the test Celery worker imports them too."""

from kerne import adgang, pdf

BUILDS: list[int] = []


def _build(dokument):
    BUILDS.append(dokument.pk)
    return "kerne/pdf_base.html", {"projekt": dokument.projekt}


def _broken_build(dokument):
    raise RuntimeError("template missing")


def _may_read(user, dokument):
    return dokument.familie is not None and adgang.can(user, adgang.VIEW, dokument.familie)


pdf.register("test-familie", build=_build, may_read=_may_read)
pdf.register("test-broken", build=_broken_build, may_read=_may_read)
