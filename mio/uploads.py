"""Uploads larger than the import limit fill no disk.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file in full before
any form sees it, so without a limit in front of Django a 5 GB upload would take 5 GB of disk. This
handler keeps at most IMPORT_MAX_BYTES of a file: beyond that the bytes are only counted and what was
kept is dropped. The file's `size` is still the size that was sent, so the upload form
(`tablefiles.too_large_message`) refuses it with its real size, and no form can read a cut-off file
as if it were whole: it is empty.

`UploadPreviewConfirm` is the shape of the views that import a file all or nothing: upload, preview,
confirm (the diary upload and enrolment in `surveys/`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.over_limit = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.over_limit:
            return
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            self.over_limit = True
            self.file.seek(0)
            self.file.truncate()
            return
        self.file.write(raw_data)


# --- Upload → preview → confirm ------------------------------------------------------------------


@dataclass
class Preview:
    """What a valid upload would do: `plan` to show, `keep` (plain data) to wait in the session for the
    confirmation, and `context` for the page; or `errors`, every bad row, when nothing can be done."""

    plan: object = None
    keep: object = None
    errors: list = field(default_factory=list)
    context: dict[str, object] = field(default_factory=dict)


@dataclass
class Staged:
    """The page to show: the upload form, the preview's plan or the errors, and the status."""

    form: forms.Form
    plan: object = None
    errors: list = field(default_factory=list)
    context: dict[str, object] = field(default_factory=dict)
    status: int = 200

    def page_context(self) -> dict[str, object]:
        return {**self.context, "form": self.form, "plan": self.plan, "errors": self.errors}


class UploadPreviewConfirm:
    """The shape every all-or-nothing file import shares (the diary upload, enrolment): upload a file,
    see what it would do or every bad row, then confirm. The parsed rows wait in the session between
    the preview and the confirmation, under `key`, and are checked again on confirmation, since
    someone may have changed something in between. A new upload drops any waiting preview.

    `preview(form)` reads a valid form's file into a `Preview` (it may add a field error to the form
    instead); `confirm(kept)` stores what was kept and returns the response (a redirect with its
    message), or the errors found on the second check. The template (`surveys/_upload_page.html`)
    shows the preview with its confirm button, or the errors above the upload form."""

    def __init__(self, request: HttpRequest, *, key: str, form_class: type[forms.Form]):
        self.request = request
        self.key = key
        self.form_class = form_class

    def handle(
        self, *, preview: Callable[[forms.Form], Preview], confirm: Callable[[object], HttpResponse | list]
    ) -> Staged | HttpResponse:
        request = self.request
        if request.method == "POST" and "confirm" in request.POST:
            kept = request.session.pop(self.key, None)
            if not kept:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect(request.path)
            outcome = confirm(kept)
            if isinstance(outcome, HttpResponse):
                return outcome
            return Staged(form=self.form_class(), errors=list(outcome), status=400)
        if request.method != "POST":
            return Staged(form=self.form_class())
        request.session.pop(self.key, None)
        form = self.form_class(request.POST, request.FILES)
        staged = Staged(form=form)
        if form.is_valid():
            found = preview(form)
            staged.errors, staged.context = found.errors, found.context
            if not found.errors and found.plan is not None:
                request.session[self.key] = found.keep
                staged.plan = found.plan
        staged.status = 200 if staged.plan else 400
        return staged
