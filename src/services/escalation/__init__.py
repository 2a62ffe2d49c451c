"""The 两书一函 escalation (Art. 22 「对工作推进不力的，要严格按照预算绩效管理跟踪问效“两书一函”制度予以
提醒督促、要求整改和工作约谈」).

财政厅 opens a prefecture's case for a budget year with a reason, optionally from the prefectures'
assessment (cases.py); sends its letters in order, each numbered, answer-by the province's
ESCALATION_ANSWER_DAYS, the next only once the previous went unanswered or unresolved for
ESCALATION_WAIT_DAYS (letters.py); the prefecture's finance answers, the province judges the answer
unresolved or closes the case (judging.py). Who sees what in scope.py; the answer-by dates as deadlines in
deadlines.py; the letters' data in letter_data.py.
"""
