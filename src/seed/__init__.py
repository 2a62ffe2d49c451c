"""Loading data: the shipped reference data (regions, funds, pooling, indicator library) and the demo set."""
