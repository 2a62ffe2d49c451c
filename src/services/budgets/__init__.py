"""Fund budgets (pooling region × fund × year): the draft entered by the pooling region's agency (Art. 7, 10),
approval (Art. 7, 14) and visibility-aware reads."""
