"""The rules of the domain, free of Flask and of the database."""
