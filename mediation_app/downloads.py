"""File responses shared by every feature that hands out a PDF."""

from urllib.parse import quote

from flask import make_response


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An ASCII fallback name plus the UTF-8 name (RFC 6266), so Chinese names survive
    servers that write headers as Latin-1."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_"
                       for ch in filename)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def pdf_response(content: bytes, filename: str, *, inline: bool = False):
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["Cache-Control"] = "private, no-store"
    return response
