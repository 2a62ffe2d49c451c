"""The evaluation-result feedback (评价结果反馈, Art. 19).

财政厅 writes, per pooling region × fund × year, its findings and recommendations on an accepted
self-evaluation (feedbacks.py), and sends them as a joint 评价结果反馈函 with the fund's administration and
省税务局, numbered, the score and grade copied, answer-by the region's FEEDBACK_ANSWER_DAYS after sending
(sending.py); the region's finance, administration and agency each acknowledge it (acknowledgements.py).
Who sees what in scope.py; the answer-by dates as deadlines in deadlines.py.
"""
