"""Evaluation after the year (Art. 15–18): the pooling regions' self-evaluations and their scoring."""
