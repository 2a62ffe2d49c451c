"""The evaluation-result feedback (Art. 19) in the API."""
