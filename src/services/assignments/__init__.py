"""Assignments (Art. 17 「根据工作需要，绩效评价工作可委托中介机构、高等院校、专家等第三方具体实施」): the
finance body of a record's region entrusts it to a third-party organization for a period (assignments.py),
given as China calendar dates (period.py). While an assignment is active, its organization's users read the
record through every path and take the actions the record's subject lists for assignees (policy.visibility,
policy.allowed, over Actor.assignments, loaded when the actor is); a subject opts in from its registration
(SubjectSpec.assignee_actions). Nothing here names a subject."""
