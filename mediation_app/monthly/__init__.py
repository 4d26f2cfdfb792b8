"""The political-legal committee's monthly report: frozen figures, archived PDF versions,
the jobs that make them on the first of each month, and the reports page."""
