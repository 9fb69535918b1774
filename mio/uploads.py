"""Uploads larger than the import limit fill no disk.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file in full before
any form sees it, so without a limit in front of Django a 5 GB upload would take 5 GB of disk. This
handler keeps at most IMPORT_MAX_BYTES of a file: beyond that the bytes are only counted and what was
kept is dropped. The file's `size` is still the size that was sent, so the upload form
(`tablefiles.too_large_message`) refuses it with its real size, and no form can read a cut-off file
as if it were whole: it is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


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
