"""Performance goals (Art. 6–10, 14): drafting goals and indicators, validation, the review workflow,
decomposition to the pooling regions, and the visibility-aware reads."""
