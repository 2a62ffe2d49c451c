"""The rectification items (整改事项, Art. 20 「绩效评价中发现的问题要及时分类进行整改」).

A finance body raises an item per problem (items.py: 财政厅 for any region, with its feedback; a region's
finance for its own), sorted by Art. 20's kinds, owned by a body of the item's region, due the region's
RECTIFICATION_DAYS after it is raised. The owner writes measures, cause and progress and attaches evidence
files (evidence.py), then reports it done; the finance that raised it verifies it (closed) or returns it
with a reason (workflow.py). Who sees what in scope.py; the due dates as deadlines in deadlines.py.
"""
