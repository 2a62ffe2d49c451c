"""In-year monitoring in the API (Art. 11–14): one module per concern, each with its own query and
mutation types merged in src/schema/__init__.py."""
