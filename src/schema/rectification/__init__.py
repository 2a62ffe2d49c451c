"""The rectification items (Art. 20) in the API."""
