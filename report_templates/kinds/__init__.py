"""One module per document kind, each with a `build()` returning its template (report_templates/build.py)."""
