"""Fund budgets (pooling region × fund × year): approval (Art. 7) and visibility-aware reads."""
