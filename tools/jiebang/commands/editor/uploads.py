"""multipart/form-data, read with the standard library's e-mail parser (the `cgi` module is gone in
Python 3.13): the form fields as text, the files as (name, bytes)."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP


class UploadError(Exception):
    """Not a readable upload; Chinese message."""


def parse_upload(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    if not content_type.startswith("multipart/form-data") or "boundary=" not in content_type:
        raise UploadError("上传格式不对：应为 multipart/form-data。")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise UploadError("上传内容无法读取。")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            if data:
                files[str(name)] = (str(filename), data)
        else:
            fields[str(name)] = data.decode("utf-8", "replace")
    return fields, files
