"""Report jobs (DOMAIN.md §9): requesting a document, following its job, and where to download it."""
