"""The web app: the staff console and the patients' pages, a client of the public API."""
