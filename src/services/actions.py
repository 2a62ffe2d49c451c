"""The actions policy.py decides on (DOMAIN.md §4–5), one member per step a user can take; each domain
adds its own, with the article that grants it. Kept apart from policy.py so the list can grow with the
domains while the rules stay readable."""

from enum import StrEnum


class Action(StrEnum):
    GOAL_DRAFT = "GOAL_DRAFT"  # create, edit, delete goals and indicators; submit; request adjustment
    GOAL_PRELIMINARY_REVIEW = "GOAL_PRELIMINARY_REVIEW"  # 初审 (Art. 7)
    GOAL_REVIEW = "GOAL_REVIEW"  # 审核 (Art. 7)
    GOAL_SUBMIT_TO_NATIONAL = "GOAL_SUBMIT_TO_NATIONAL"  # 报送国家相关部门 (Art. 7)
    GOAL_ISSUE = "GOAL_ISSUE"  # 下达: guiding and formal (Art. 10)
    GOAL_NATIONAL_REVIEW = "GOAL_NATIONAL_REVIEW"  # 国家相关部门审核 (Art. 6)
    GOAL_TAX_OPINION = "GOAL_TAX_OPINION"  # 税务部门 concurs or objects to a draft (Art. 5, 7 商税务局)
    GOAL_ADJUSTMENT_REQUEST = "GOAL_ADJUSTMENT_REQUEST"  # start an adjustment of a goal in force (Art. 14)
    BUDGET_DRAFT = "BUDGET_DRAFT"  # 编制预算草案: create a draft budget, replace its lines (Art. 7, 10)
    BUDGET_APPROVE = "BUDGET_APPROVE"  # 预算批复 (Art. 7: goals are its precondition)
    RULES_EDIT = "RULES_EDIT"  # the region's detailed rules (Art. 23): province and prefectures only
    AUDIT_READ = "AUDIT_READ"
    API_TOKEN_MANAGE = "API_TOKEN_MANAGE"  # create, list and revoke API tokens of service accounts
    # In-year monitoring (Art. 11–14). The scope of an entry is the region entering it (the pooling
    # region, or for a fund pooled above it one of its parts: 「各市（州）相关部门具体承担」, Art. 6); of
    # the rest, the pooling region (a compilation: its prefecture).
    MONITORING_ENTER = "MONITORING_ENTER"  # actuals and budget execution (Art. 13 经办机构…具体实施)
    # The contribution line's execution (社会保险费收入): the agency, or the tax department that collects the
    # contributions (Art. 5 税务部门…具体负责运行监控) and holds the figure.
    MONITORING_ENTER_CONTRIBUTION = "MONITORING_ENTER_CONTRIBUTION"
    MONITORING_EVALUATE = "MONITORING_EVALUATE"  # run the target comparison for a period (Art. 13 组织开展)
    WARNING_RESPOND = "WARNING_RESPOND"  # answer a warning (Art. 14 统筹地区有关部门…分类予以处置)
    MONITORING_REPORT_DRAFT = "MONITORING_REPORT_DRAFT"  # 运行监控情况报告: draft, edit, submit (Art. 13)
    MONITORING_REPORT_TAX_OPINION = "MONITORING_REPORT_TAX_OPINION"  # 商税务部门 (Art. 13)
    MONITORING_REPORT_ACCEPT = "MONITORING_REPORT_ACCEPT"  # finance and the administration accept or return
    MONITORING_COMPILE = "MONITORING_COMPILE"  # 各市（州）财政部门…牵头汇总 (Art. 13)
    MONITORING_COMPILATION_ACKNOWLEDGE = (
        "MONITORING_COMPILATION_ACKNOWLEDGE"  # 财政厅、人社厅、省医保局、省税务局
    )
    # Self-evaluation (Art. 17, 18), at its pooling region; who submits and who accepts follow the fund's
    # pooling level (src/services/evaluation/routing.py).
    SELF_EVALUATION_OPEN = "SELF_EVALUATION_OPEN"  # 统筹地区财政部门…分险种组织
    SELF_EVALUATION_DRAFT = "SELF_EVALUATION_DRAFT"  # 经办机构…具体实施: lines, budget block, narrative
    SELF_EVALUATION_TAX_OPINION = "SELF_EVALUATION_TAX_OPINION"  # 商税务部门
    SELF_EVALUATION_SUBMIT = (
        "SELF_EVALUATION_SUBMIT"  # the province's agency; a prefecture's finance (牵头报)
    )
    SELF_EVALUATION_ACCEPT = "SELF_EVALUATION_ACCEPT"  # 财政厅 and 人社厅 or 省医保局: accept or return
    # 委托第三方具体实施 (Art. 17): the finance body of the record's own region assigns it and ends that.
    ASSIGNMENT_MANAGE = "ASSIGNMENT_MANAGE"
    # Provincial evaluation (Art. 17): 财政厅牵头, 省级社保经办机构商省税务局具体实施, 送财政厅; the
    # administration (人社厅, 省医保局) guides: it reads, it takes no step. The scope is the province.
    PROVINCIAL_EVALUATION_OPEN = "PROVINCIAL_EVALUATION_OPEN"  # 财政厅牵头
    PROVINCIAL_EVALUATION_DRAFT = "PROVINCIAL_EVALUATION_DRAFT"  # the provincial agency: the narrative
    PROVINCIAL_EVALUATION_TAX_OPINION = "PROVINCIAL_EVALUATION_TAX_OPINION"  # 商省税务局
    PROVINCIAL_EVALUATION_SUBMIT = "PROVINCIAL_EVALUATION_SUBMIT"  # 送财政厅: the provincial agency
    PROVINCIAL_EVALUATION_APPROVE = "PROVINCIAL_EVALUATION_APPROVE"  # 财政厅: approve or return
    PROVINCIAL_SUMMARY_COMPILE = "PROVINCIAL_SUMMARY_COMPILE"  # 财政厅于7月底前完成汇总并上报
    # Evaluation-result feedback (Art. 19): 财政厅牵头 writes and sends it; the region's finance, the fund's
    # administration and the agency (「反馈相关地区和经办机构」) acknowledge it.
    FEEDBACK_DRAFT = "FEEDBACK_DRAFT"
    FEEDBACK_SEND = "FEEDBACK_SEND"
    FEEDBACK_ACKNOWLEDGE = "FEEDBACK_ACKNOWLEDGE"
    # Rectification items (Art. 20): raised, edited, verified (closed) or returned by a finance body — 财政厅
    # for any region, a region's finance for its own; the service keeps the later steps to the one that
    # raised it. Reported, with its evidence, by the owner: a body of the item's region (its finance, the
    # fund's administration, the agency); the service keeps it to the owner.
    RECTIFICATION_RAISE = "RECTIFICATION_RAISE"
    RECTIFICATION_REPORT = "RECTIFICATION_REPORT"
    # Evaluation-result application (Art. 20): the pooling region's finance records how its results were
    # used; the province's finance for any region. The scope is the record's region.
    RESULT_APPLICATION_RECORD = "RESULT_APPLICATION_RECORD"
    # Performance disclosure (Art. 21): the region's finance (the level of its 人大) selects the items and
    # edits the draft, approves it (another user: four eyes, src/services/disclosure/workflow.py), records
    # its report to the 人大 and publishes it.
    DISCLOSURE_EDIT = "DISCLOSURE_EDIT"
    DISCLOSURE_APPROVE = "DISCLOSURE_APPROVE"
    DISCLOSURE_REPORT = "DISCLOSURE_REPORT"
    DISCLOSURE_PUBLISH = "DISCLOSURE_PUBLISH"
    # The assessment of the prefectures (Art. 22): 财政厅 opens, computes and publishes the round; 人社厅,
    # 省医保局 and 省税务局 each concur with the computation (按照部门职责). The scope is the province.
    ASSESSMENT_MANAGE = "ASSESSMENT_MANAGE"
    ASSESSMENT_CONCUR = "ASSESSMENT_CONCUR"
    # The 两书一函 (Art. 22): 财政厅牵头 (人社厅、省医保局、省税务局 按部门职责联合) opens a
    # prefecture's case, sends its letters, judges the answers and closes it; the prefecture's finance
    # answers.
    ESCALATION_MANAGE = "ESCALATION_MANAGE"
    ESCALATION_ANSWER = "ESCALATION_ANSWER"
