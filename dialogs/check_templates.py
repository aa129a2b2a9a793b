"""Every user-facing Chinese string of the eligibility check (interview and result).

Reviewed as copy: short, gentle sentences for parents in their 60s and 70s. We say
"孩子离世" and "您家的情况", never "失独".
"""

# --- the interview -------------------------------------------------------------------
INTRO = "我来问您几个简单的问题，看看您家可以享受哪些帮扶。不清楚的可以选“不清楚”，随时可以返回上一步。"
UNKNOWN = "不清楚"
BACK = "返回上一步"
PROGRESS_OF = "（第{n}个问题，共{total}个）"
PROGRESS_RANGE = "（第{n}个问题，共{low}到{high}个）"
FIRST_QUESTION = "这已经是第一个问题了。"

Q_JURISDICTION = "您家的户口在哪个地方？"
OPT_OTHER_PLACE = "其他地方"
Q_CHILD = "请问孩子现在的情况是？"
OPT_CHILD_DECEASED = "孩子已经离世"
OPT_CHILD_DISABLED = "孩子有残疾"
OPT_CHILD_DISABLED_GRADE = "孩子有残疾（{grade}）"
OPT_CHILD_DISABLED_GRADE_UNKNOWN = "孩子有残疾，等级不清楚"
OPT_CHILD_HEALTHY = "孩子健在，没有残疾"
GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
Q_GRADE = "孩子的残疾证上是几级？（一级最重）"
OPT_GRADE = "{grade}"

Q_LATER_CHILD_DECEASED = "孩子离世以后，您家有没有再生育或者收养孩子？"
Q_LATER_CHILD_DISABLED = "孩子残疾以后，您家有没有再生育或者收养孩子？"
Q_LATER_CHILD = "您家后来有没有再生育或者收养孩子？"
OPT_NO = "没有"
OPT_YES = "有"

Q_HOUSEHOLD = "家里现在是夫妻两人，还是只有一位？（丧偶或离婚的，请选“只有”）"
OPT_HOUSEHOLD_BOTH = "夫妻两人"
OPT_HOUSEHOLD_MOTHER = "只有孩子妈妈"
OPT_HOUSEHOLD_FATHER = "只有孩子爸爸"
Q_HUKOU_SELF = "您的户口在{city}吗？"
Q_HUKOU_SELF_RESIDENCE = "您的户口在{city}吗？是城镇户口还是农村户口？"
OPT_HUKOU_SELF_LOCAL = "在本地"
OPT_HUKOU_SELF_NONE = "不在本地"
Q_HUKOU = "夫妻俩的户口在{city}吗？"
Q_HUKOU_RESIDENCE = "夫妻俩的户口在{city}吗？是城镇户口还是农村户口？"
OPT_HUKOU_BOTH = "两人都在本地"
OPT_HUKOU_ONE = "只有一人在本地"
OPT_HUKOU_MOTHER = "只有孩子妈妈在本地"
OPT_HUKOU_FATHER = "只有孩子爸爸在本地"
OPT_HUKOU_NONE = "都不在本地"
OPT_URBAN_SUFFIX = "（城镇户口）"
OPT_RURAL_SUFFIX = "（农村户口）"
Q_RESIDENCE = "您家是城镇户口还是农村户口？"
OPT_URBAN = "城镇户口"
OPT_RURAL = "农村户口"
Q_LOCAL_SPOUSE = "户口在本地的是哪一位？"
OPT_MOTHER = "孩子妈妈"
OPT_FATHER = "孩子爸爸"

Q_MOTHER_AGE = "孩子妈妈今年多大岁数？也可以直接输入岁数。"
Q_FATHER_AGE = "孩子爸爸今年多大岁数？也可以直接输入岁数。"
# a father on his own: his own age first ("您"), then the mother's, saying why it is asked
Q_FATHER_AGE_ALONE = "您今年多大岁数？也可以直接输入岁数。"
Q_MOTHER_AGE_FOR_FATHER = "有的待遇要看孩子妈妈的年龄。孩子妈妈今年多大岁数？不方便说的，可以选“不清楚”。"
Q_MOTHER_AGE_ALONE = "您今年多大岁数？也可以直接输入岁数。"
AGE_BELOW = "不到{next}岁"
AGE_RANGE = "{low}到{high}岁"
AGE_EXACT = "{low}岁"
AGE_FROM = "{low}岁及以上"
Q_BORN = "{who}是{day}以后出生的吗？"
OPT_BORN_AFTER = "是，{day}以后出生"
OPT_BORN_BEFORE = "不是，{day}以前出生"

Q_CHECKLIST = "下面这些情况，您家有哪些？可以选几项，选完点“选好了”。都没有就直接点“选好了”。"
# one checklist item left: asked as a plain question (the label alone is not a sentence)
OPT_RECEIVES = "已经在领"
OPT_NOT_YET = "还没有领"
SINGLE_FACT_QUESTIONS = {
    "special_assistance": "您家已经在领国家的计划生育特别扶助金了吗？",
    "surgery_complication": "家里有人因计划生育手术留下并发症、已纳入并发症扶助吗？",
    "low_income": "您家享受低保吗？",
    "wubao": "您家是五保（特困）供养对象吗？",
    "self_care_lost": "夫妻俩有人生活不能自理吗？",
    "chronic_disease": "夫妻俩有人患高血压或糖尿病等慢性病吗？",
    "child_in_higher_education": "残疾的孩子正在上大学或高职吗？",
    "child_under_7": "残疾的孩子还不满7岁吗？",
}
# the same, for a parent on their own ("您" rather than "夫妻俩")
SINGLE_FACT_QUESTIONS_ALONE = {
    "self_care_lost": "您生活不能自理吗？",
    "chronic_disease": "您患有高血压或糖尿病等慢性病吗？",
}
CHECKLIST_LABELS_ALONE = {
    "self_care_lost": "您生活不能自理",
    "chronic_disease": "您患有高血压或糖尿病等慢性病",
}
CHECKLIST_DONE = "选好了"
CHECKLIST_NONE = "都没有"
CHECK_ON = "☑ "
CHECK_OFF = "☐ "
CHECKLIST_LABELS = {
    "special_assistance": "已经在领国家的计划生育特别扶助金",
    "surgery_complication": "有人因计划生育手术留下并发症，已纳入并发症扶助",
    "low_income": "家里享受低保",
    "wubao": "是五保（特困）供养对象",
    "self_care_lost": "夫妻有人生活不能自理",
    "chronic_disease": "夫妻有人患高血压或糖尿病等慢性病",
    "child_in_higher_education": "残疾的孩子正在上大学或高职",
    "child_under_7": "残疾的孩子还不满7岁",
}

SUMMARY_HEADER = "您填的情况如下，请看看对不对："
SUMMARY_LINE = "{n}. {question}　{answer}"
SUMMARY_PROMPT = "都对的话，选“看结果”；要改哪一条，就选哪一条。"
SUMMARY_CONFIRM = "看结果"
SUMMARY_CHANGE = "改第{n}条"
NOT_ASKED = "没问（与结果无关）"
ANSWER_UNKNOWN = "不清楚"

# --- the terminal version ------------------------------------------------------------
CONSOLE_OPTIONS_HINT = "请输入编号（0 = 不清楚，b = 返回上一步，q = 退出）："
CONSOLE_CHECKLIST_HINT = "请输入编号，可以输入几个，用空格隔开；都没有就输入 n（0 = 不清楚，b = 返回上一步）："
# the checklist's question as the terminal asks it: there is no "选好了" button to press there
CONSOLE_Q_CHECKLIST = "下面这些情况，您家有哪些？有几项就输入几个编号，用空格隔开，比如：1 3。都没有就输入 n。"
CONSOLE_SUMMARY_HINT = "输入 y 看结果，输入编号修改那一条，q 退出："
CONSOLE_BAD_CHOICE = "没看懂您的选择，请输入前面的编号。"
CONSOLE_BYE = "好的，先到这里。需要时随时再来。"

# --- the result ----------------------------------------------------------------------
RESULT_HEADER = "根据{city}的文件，您家的情况是："
DOC_LINE = "依据：《{title}》{number}，{date}印发"
DOC_LINE_DRAFT = "依据：《{title}》（征求意见稿，没有文号，也没有注明日期），还不是正式生效的文件"
DRAFT_DATE_LABEL = "未注明日期的征求意见稿"  # fills "按{date}文件所载" for a draft
NOT_COVERED = (
    "这些帮扶由户籍所在地负责。您说户口不在{city}，所以{city}的文件管不到您家。"
    "请向户口所在地的乡镇（街道）计生办或县（区）卫生健康部门咨询。"
)
SECTION_ELIGIBLE = "一、您家可以享受的（{n}项）"
SECTION_UNKNOWN = "二、可能适用，还需要问清楚的（{n}项）"
SECTION_UNKNOWN_HINT = "请带上户口本和身份证，到乡镇（街道）计生办或社区问一问："
SECTION_NOT = "三、不适用的（{n}项）"
SECTION_NONE = "（没有）"
ITEM = "{n}. {title}"
ITEM_WHO = "（{who}）"
SPOUSE = {"mother": "孩子妈妈", "father": "孩子爸爸"}
ITEM_AMOUNT = "   金额：{amount}（按{date}文件所载）"
ITEM_AMOUNT_OPTIONS = "   金额：文件按情况列了几档：{options}"
ITEM_PROVISO = "   前提：{provisos}"
ITEM_REASON = "   {reason}"
ITEM_ASK = "   要问清楚：{facts}"
ITEM_CITATION = "   出处：{number} {path}：“{quote}”"
ITEM_UNITS = "   负责单位：{units}"
ITEM_NOTE = "   说明：{note}"
TOTAL_MONTHLY = "每月现金合计：{total}元（按{date}文件所载，以上可以领取的各项相加）"
TOTAL_MONTHLY_OPEN = "（还有几项每月的钱要等问清楚后才能确定，没有算进去）"
TOTAL_ON_TOP = "（这个合计是{basis}另发的部分；国家和上级发放的那部分本文件没有写金额，没有算进去）"
TOTAL_CHILD = "（孩子自己领的{items}是给孩子的，没有算进夫妻的合计）"
TOTAL_SPOUSE_NO_RATE = "（{who}：本文件没有写每月标准，没有算进合计，请向乡镇（街道）计生办问清楚）"
TOTAL_ONCE = "一次性发放合计：{total}元"
DECIDES = "以上是按文件原文整理的参考，能不能享受、享受多少，最终由当地卫生健康委员会（卫健局）审核认定。"
NO_NUMBER = "（征求意见稿，无文号）"

PER = {"person": "每人", "household": "每户", "child": "孩子"}
PERIOD = {"once": "一次性", "month": "每月", "year": "每年", "day": "每天"}
PAID_AS = {
    "cash": "",
    "premium": "（由政府代缴，不发到手上）",
    "insurance": "（保险赔付）",
    "fee_waiver": "（减免费用）",
    "subsidy": "（补助资金，不是费用减免）",
}
UP_TO = "最多"
AT_LEAST = "至少"
PERSONS = "，{persons}人共{total}元"

MISSING_LABELS = {
    "child_status": "孩子的情况",
    "disability_grade": "孩子的残疾等级",
    "later_child": "后来是否再生育或收养",
    "mother_age": "孩子妈妈的年龄",
    "father_age": "孩子爸爸的年龄",
    "household": "家里是夫妻两人还是只有一位",
    "hukou": "户口是否在本地",
    "local_spouse": "户口在本地的是哪一位",
    "residence": "城镇户口还是农村户口",
    "special_assistance": "是否已纳入国家计划生育特别扶助",
    "surgery_complication": "是否纳入计划生育手术并发症扶助",
    "low_income": "是否享受低保",
    "wubao": "是否五保（特困）供养对象",
    "self_care_lost": "是否有人生活不能自理",
    "chronic_disease": "是否有人患慢性病",
    "child_in_higher_education": "残疾的孩子是否在上大学",
    "child_under_7": "残疾的孩子是否不满7岁",
    "orphan_under_18": "是否计划生育孤儿家庭",
}

# --- comparison for hotline staff ----------------------------------------------------
COMPARE_HEADER = "各地“{topic}”对比（按各文件原文；金额为文件所载，不代表现行标准）："
COMPARE_CITY = "【{city}】{number}，{date}{draft}"
COMPARE_SCOPE = "   本文件适用于：{who}（户籍在本地）"
COMPARE_BASIS = {
    "on_top": "（{text}另发的部分，不是总额：国家和上级的扶助另算）",
    "raised_to": "（提高后的总额：{text}）",
}
COMPARE_NONE = "   本文件没有这一项。"
COMPARE_ITEM = "   · {title}：{amount}"
COMPARE_NO_AMOUNT = "文件未写金额"
COMPARE_WHO = "     对象：{who}"
COMPARE_CITE = "     出处：{path}：“{quote}”"
COMPARE_DRAFT = "（征求意见稿）"

# --- the result, readable: summary first, then one topic at a time (issue 14) -----------
SUMMARY_TITLE = "根据{city}的文件（{number}，{date}印发），您家的情况："
SUMMARY_TITLE_DRAFT = "根据{city}的文件（征求意见稿，没有文号，也没有注明日期，不是正式生效文件），您家的情况："
# the money leads (issue 23): the total alone on the first line, what it is made of, then the source
SUMMARY_TOTAL = "每月现金合计：{total}元"
SUMMARY_TOTAL_ITEMS = "包括：{items}。"
SUMMARY_MONTHLY_ITEM = "{title}{amount}"
SUMMARY_SOURCE = "依据：{city}的文件（{number}），金额按{date}文件所载。"
SUMMARY_SOURCE_DRAFT = "依据：{city}的文件（征求意见稿，没有文号，也没有注明日期，不是正式生效文件），金额按文件所载。"
# items the document writes for several kinds of family at once: not listed as certain
MAYBE_HEADING = ("可能还有（{n}项）：下面这些是文件对各种情况的家庭一起写的，没有单独写您家这种情况怎么办，"
                 "请向乡镇（街道）计生办问一问。")
SUMMARY_MONTHLY_NONE = "按您填的情况，文件里没有能确定的每月现金。"
SUMMARY_ONCE = "一次性的钱：{items}。"
SUMMARY_KEY_SERVICES = "还能享受的主要帮扶：{items}等。"
SUMMARY_SETTLE = "问清楚{fact}，还能确定 {n} 项。"
SUMMARY_COUNT_ELIGIBLE = "可以享受的共 {n} 项，按类别分开列在下面"
SUMMARY_COUNT_UNKNOWN = "还要问清楚的 {n} 项"
SUMMARY_COUNT_NOT = "不适用的 {n} 项"
SUMMARY_SENSITIVE = "如果您家考虑再要孩子或收养，也有相关帮扶（{n}项），需要时可以查看。"
SUMMARY_EMPTY = "按您填的情况，这份文件里暂时没有能确定您家可以享受的帮扶。"
GROUP_HEADING = "{heading}（{n}项）"
GROUP_NAMES = {"cash": "现金", "medical": "医疗", "elderly": "养老", "housing": "住房", "care": "联系和慰问",
               "funeral": "身后事安排"}
OPEN_HEADING = "还要问清楚的（{n}项）"
OPEN_BY_FACT = "问清楚{fact}后才能确定："
OPEN_HINT = "请带上户口本和身份证，到乡镇（街道）计生办或社区问一问。"
NOT_HEADING = "不适用的（{n}项）"
SENSITIVE_HEADING = "再生育和收养方面的帮扶（{n}项）"
BTN_GROUP = "{heading}（{n}项）"
BTN_OPEN = "还要问清楚的（{n}项）"
BTN_NOT = "不适用的（{n}项）"
BTN_SENSITIVE = "再要孩子或收养的帮扶（{n}项）"
RESULT_READY = "好的，下面是结果："
CONSOLE_MORE = "想看不适用的各项和原因，请输入“看不适用”；想看再要孩子或收养的帮扶，请输入“看收养”。"
CONSOLE_NO_RESULT = "还没有结果。请先输入“查看待遇”。"

# --- not yet in the national special-assistance scheme ------------------------------------
APPLY_SPECIAL_ASSISTANCE = (
    "您家还没有领国家的计划生育特别扶助金。{city}文件里的很多帮扶，都以先纳入这项国家制度为前提。"
    "请到户口所在地的乡镇（街道）卫生健康办公室（计生办）申请，带上户口本、身份证和孩子的死亡或残疾证明。"
)
NATIONAL_CONDITIONS = (
    "国家制度的一般条件（供参考，这不是{city}文件里的内容，以当地审核为准）："
    "1933年1月1日以后出生；女方年满49周岁；只生育或合法收养过一个子女，"
    "现在没有存活子女，或独生子女被依法鉴定为残疾（三级以上）。"
)

# --- a second /check: reuse the saved answers ----------------------------------------------
SAVED_OFFER = "您上次已经填过一遍（{day}保存）。要按上次填的直接看结果，还是重新填一遍？"
BTN_USE_SAVED = "按上次填的看结果"
BTN_START_OVER = "重新填一遍"
