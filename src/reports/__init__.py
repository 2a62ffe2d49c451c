"""The document service: official documents rendered from report_templates/ (kinds, context builders, the
sandboxed renderer, PDF conversion, jobs and their storage)."""
