"""The rule keys of the stages after the evaluation (Art. 19–22): the feedback's answer days, the
rectification items' days, the assessment's weights, bands and date, the 两书一函's days. Part of the registry
(registry.DEFINITIONS), kept here so each file stays readable."""

from src.services.rules.builders import count_rule as _count
from src.services.rules.builders import decimal_rule as _decimal
from src.services.rules.builders import province_only as _province_only
from src.services.rules.definition import RuleDefinition, RuleKey, RuleKind, RuleScope

K = RuleKey
AFTER_EVALUATION: tuple[RuleDefinition, ...] = (
    # FORMS §4C: 「请于收文之日起30日内将整改情况书面报送」 (Art. 19 feedback; a region may shorten it).
    _count(
        K.FEEDBACK_ANSWER_DAYS,
        "评价结果反馈整改情况报送时限：收文之日起日数（第十九条）",
        "30",
        minimum="1",
        maximum="180",
    ),
    # FORMS §4C 「收文之日起三十日内…制定整改措施」: an item's due date counts from the day it is raised.
    _count(
        K.RECTIFICATION_DAYS, "整改事项整改期限：提出之日起日数（第二十条）", "30", minimum="1", maximum="180"
    ),
    # Art. 22 考核 (财政厅 with 人社厅, 省医保局, 省税务局 按照部门职责): the text sets no weights, bands or
    # date; the province's own, never a prefecture's — a prefecture must not set what it is assessed by.
    *(
        _province_only(_decimal(key, f"考核权重：{label}（分，第二十二条）", default, minimum_inclusive=True))
        for key, label, default in (
            (K.ASSESSMENT_WEIGHT_DEADLINES, "按时完成各项工作", "40.00"),
            (K.ASSESSMENT_WEIGHT_SELF_EVALUATION, "绩效自评完成及结果", "30.00"),
            (K.ASSESSMENT_WEIGHT_RECTIFICATION, "问题整改", "15.00"),
            (K.ASSESSMENT_WEIGHT_WARNINGS, "预警及时处置", "15.00"),
        )
    ),
    _province_only(_decimal(K.ASSESSMENT_COMMEND_FROM, "考核“工作成效明显”予以表扬：总分不低于", "90.00")),
    _province_only(_decimal(K.ASSESSMENT_WEAK_BELOW, "考核“工作推进不力”：总分低于", "60.00")),
    # The text sets no date for the 通报; the province's default: 10月31日 of the year after.
    _province_only(
        RuleDefinition(
            key=K.ASSESSMENT_DEADLINE,
            kind=RuleKind.MONTH_DAY,
            label="财政厅通报上年度考核结果截止日（第二十二条；办法未规定日期）",
            default="10-31",
        )
    ),
    # The 两书一函 (Art. 22) bind the prefecture escalated: the province's bodies set them, not the prefecture
    # (it must not set the rules it is escalated by). FORMS §4C: answered 「收文之日起30日内」; the next
    # letter only after the previous went unanswered or unresolved as long.
    _count(
        K.ESCALATION_ANSWER_DAYS,
        "“两书一函”答复时限：发文之日起日数（第二十二条）",
        "30",
        minimum="1",
        maximum="180",
        basis="第二十二条：财政厅等按照“两书一函”制度予以提醒督促、要求整改和工作约谈",
        scope=RuleScope.PROVINCE_ONLY,
    ),
    _count(
        K.ESCALATION_WAIT_DAYS,
        "“两书一函”升级等待期：上一函件发出之日起日数（第二十二条）",
        "30",
        minimum="1",
        maximum="365",
        basis="第二十二条：财政厅等按照“两书一函”制度予以提醒督促、要求整改和工作约谈",
        scope=RuleScope.PROVINCE_ONLY,
    ),
)
