"""In-year monitoring (Art. 11–14): entries, the target comparison, warnings, roll-up, reports, deadlines."""
