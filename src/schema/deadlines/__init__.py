"""The deadlines of every domain (src/services/deadlines/): what is due when, per body, and its status."""
