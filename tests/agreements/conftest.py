from ..pdfs import pdf_fonts, pdf_text  # noqa: F401  (fixtures)
