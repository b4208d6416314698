"""Uploads over the capture size limit are refused as they arrive: a request whose
declared length is over it stops at its file's first chunk, and a file is dropped as
soon as it passes the limit. The refusal is left on the request for the form to explain."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from archive.capture.originals import size_limit, too_large_message

FORM_ALLOWANCE = 1024 * 1024  # the rest of a form beside its files
MAX_FILES_AT_ONCE = 20  # files one "Add from file" takes (a folder: manage.py capture)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.declared_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The form's fields before the file (its CSRF token) are still read; the file's
        # first chunk stops the upload.
        self.declared_too_large = bool(
            content_length and content_length > size_limit() + FORM_ALLOWANCE
        )
        return None  # the next handlers parse the request as usual

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.declared_too_large or self.received > size_limit():
            self._refuse(self.file_name or "")
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, filename: str):
        if self.request is not None:
            self.request.upload_refused = (filename, too_large_message())
        raise StopUpload(connection_reset=True)
