"""The assessment of the prefectures (考核, Art. 22) and its 考核结果通报.

财政厅 opens a round for a budget year and computes it (rounds.py) from measurable facts over each prefecture
and the regions below it (facts.py: deadlines met, self-evaluations owed, submitted, accepted and their
scores, rectification items closed, monitoring warnings answered in time), scored and ranked by the
province's weights and bands (scoring.py, province-only rules); 人社厅, 省医保局 and 省税务局 each concur
with the current computation (a recompute voids them); 财政厅 publishes it, frozen and numbered (川财社).
Who sees what in scope.py; the publishing date as a deadline in deadlines.py; the notice's data in
notice_data.py.
"""
