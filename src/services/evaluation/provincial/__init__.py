"""The provincial evaluation (省级绩效评价, Art. 17, 18) and 财政厅's July summary.

财政厅 opens a fund's evaluation of a year (evaluations.py); the provincial agency of the fund's
administration writes the report's narrative with 省税务局 (concurrence by content revision) and sends it
to 财政厅 by 10 July (workflow.py), which approves it or returns it with a reason; the administration
(人社厅, 省医保局) guides and reads. The report rolls up the fund's self-evaluations (aggregate.py, pure;
aggregate_reads.py, what it reads), kept as sent at submission. 财政厅 then compiles the year's summary and
sends it upward by the end of July, numbered (summaries.py). What the documents are made of is built in
data.py (src/services/evaluation/provincial_data.py); who sees what in scope.py; deadlines in deadlines.py.
"""
