"""Assignments to third parties (Art. 17): types, queries, mutations."""
