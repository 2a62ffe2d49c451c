"""Evaluation after the year in the API (Art. 15–18): the pooling regions' self-evaluations."""
