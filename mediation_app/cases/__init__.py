"""Cases, their parties, handlings and attachments."""
