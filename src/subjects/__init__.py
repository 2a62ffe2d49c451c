"""Subjects: the records the shared machinery (events, visibility, report jobs, document numbers, lookups by
id) handles without naming a domain. A domain registers its subjects and document kinds (src/domains/)."""
