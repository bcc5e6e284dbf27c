"""What a certificate file may be: its type is read from its first bytes (magic numbers), never from its name."""
from __future__ import annotations

from medpool.errors import PayloadTooLarge, Unprocessable

# API Gateway hands Lambda at most 6 MB: a 4 MB file, base64 in a JSON body, fits with room to spare
MAX_BYTES = 4 * 1024 * 1024
MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
         (b"\xff\xd8\xff", "image/jpeg", "jpg"))
CONTENT_TYPES = tuple(content_type for _, content_type, _ in MAGIC)
EXTENSIONS = {content_type: extension for _, content_type, extension in MAGIC}


def sniff(content: bytes) -> str:
    """The content type the file's bytes say (PDF, PNG, JPEG), or a 4xx: empty, too large, another type."""
    if not content:
        raise Unprocessable("文件为空", code="empty_file")
    if len(content) > MAX_BYTES:
        raise PayloadTooLarge(f"证书文件不能超过 {MAX_BYTES // 1024 // 1024} MB", code="file_too_large")
    for magic, content_type, _ in MAGIC:
        if content.startswith(magic):
            return content_type
    raise Unprocessable("证书文件只能是 PDF、PNG 或 JPEG", code="unsupported_file_type")
