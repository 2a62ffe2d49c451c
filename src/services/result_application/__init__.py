"""The evaluation-result application (评价结果应用, Art. 20).

The pooling region's finance body (or the province's, for any region) records, per fund and evaluated year,
how the evaluation results were used (applications.py): its uses, each of a kind (policy, management, fund
allocation, next year's goal, next year's budget), the goal and budget of the next year they changed
(uses.py checks the links), DRAFT until finance records it. Who sees what in scope.py.
"""
