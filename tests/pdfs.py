"""The text of a PDF answer, read back with pypdf."""

import io

from pypdf import PdfReader


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
