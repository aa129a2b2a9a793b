"""Every user-facing Chinese string of the question-answering feature, in one place.

Reviewed as copy, not code: warm, plain, short sentences. Never "失独" to the user's face.
"""

NOT_FOUND = "抱歉，文件里没有找到和这个问题直接相关的规定。"
NOT_FOUND_IN_CITY = "抱歉，{city}的文件里没有找到和这个问题直接相关的规定。"
FOUND_ELSEWHERE = "其他地方的文件有相关规定，供您参考（各地政策不同，以户籍所在地为准）："
SUGGEST = "您可以换个说法再问，比如：“每个月的扶助金有多少”“住院有没有补贴”“养老院能不能优先住”。"
EMPTY_QUESTION = "请把您想问的事情写成一句话，比如：“每个月的扶助金有多少”。"
HEADER = "问题：{question}"
HEADER_CITY = "问题：{question}（{city}）"
HIT_TITLE = "{rank}. {city}《{doc_title}》{path}{title}"
HIT_CITATION = "   出处：{number}，{path}"
HIT_SENTENCE = "   原文：{sentence}"
HIT_UNITS = "   负责单位：{units}"
HIT_DATED = "   （以上内容依据{date}印发的文件所载；具体以当地卫生健康部门的解释为准）"
HIT_DATED_DRAFT = "   （以上内容出自征求意见稿，文件没有注明日期，不是正式生效文件）"
NO_NUMBER = "征求意见稿，无文号"
# A document put in by the city's staff whose rules nobody has published yet (issue 26).
HIT_UNDER_REVIEW = "   （本市待遇规则尚在核对中：这里只引用文件原文，不代表您家能领到多少，请向当地卫生健康部门确认）"
# Validity: a lapsed document, one replaced by a newer one.
HIT_LAPSED = "   （注意：这份文件已于{date}到期失效，以上为失效前的规定；现行标准请向当地卫生健康部门核实）"
HIT_AMENDED = "   （注意：这份文件的部分规定已被{successor}修改，请以新文件为准）"

# --- the terminal chat ---------------------------------------------------------------
CONSOLE_GREETING = (
    "您好，这里是连心助手（终端版）。\n"
    "请直接输入您想问的事，比如“开封 每个月的扶助金有多少”。\n"
    "想一步一步看看您家能享受哪些帮扶，请输入“查看待遇”。输入“退出”结束。\n"
    "（要在 Telegram 上使用，请设置环境变量 TELEGRAM_BOT_TOKEN 后运行 python -m bot run。）"
)
CONSOLE_GOODBYE = "再见，祝您平安。"
CONSOLE_AFTER_CHECK = "还有什么想问的，可以接着输入；输入“退出”结束。"
OFFER_CHECK_CONSOLE = "想知道您家具体能享受哪些、每月多少钱？输入“查看待遇”，我问您几个简单的问题。"

# --- situation-aware answers and the money lead line ----------------------------------
LEAD_PROFILE = "按您填的情况："
LEAD_ITEM = "{city}：{who}，{amount}（{cite}）{basis}"
LEAD_ON_TOP = "；这是{text}另发的"
LEAD_ON_TOP_SHORT = "{text}另发；"
LEAD_NONE = "{city}：本文件没有为{who}写本地金额；对您适用的是“{title}”：「{quote}」（{cite}）"
LEAD_NONE_BARE = "{city}：本文件没有为{who}写本地金额。"
LEAD_ELSEWHERE = "写了这一项金额的地方（各地政策不同，以户籍所在地为准）：{cities}"
LEAD_ELSEWHERE_ITEM = "{city}{amounts}"
LEAD_WHO = {"deceased": "孩子去世的家庭", "disabled": "孩子伤残的家庭"}
LEAD_WHO_ANY = "符合条件的家庭"
SPOUSES_EACH = "夫妻"
LEAD_YOU = "您"  # a parent alone: 您每月600元, not 夫妻每人
LEAD_CONDITIONS = "；条件：{conditions}"
LEAD_NOT_MET = "{city}：{reading}文件要求{condition}，按您说的情况还领不到“{title}”（{cite}）"
LEAD_READING = {"mother": "如果您是女方，", "father": "如果您是男方，", "": ""}
LEAD_PERIOD_UNSTATED = "{city}：本文件没有写这笔一次性补助的金额：「{quote}」（{cite}）"
LEAD_OTHER_PLACE = ("您问的{place}不在我们收录的地方，这里没有那里的金额，不能用别处的数字代替。"
                    "我们只有这五个地方的文件：{known}。请以户籍所在地的规定为准。")
SITUATION_LABEL = {
    ("child", "deceased"): "独生子女死亡的家庭",
    ("child", "disabled"): "独生子女伤残的家庭",
    ("residence", "rural"): "农村居民",
    ("residence", "urban"): "城镇居民",
    ("hukou", "both"): "夫妻双方都是本地户籍",
    ("hukou", "one"): "夫妻只有一方是本地户籍",
    ("resettlement", "tall"): "住楼房（四层及以上）",
    ("resettlement", "scattered"): "分散安置",
    ("resettlement", "concentrated"): "集中安置",
    ("wish", "rebirth"): "想再生育的",
    ("wish", "adopt"): "想收养的",
    ("insurance", "medical"): "医疗保险",
    ("insurance", "pension"): "养老保险",
}
HIT_ALTERNATIVE = "   · {label}：{sentence}"
HIT_NONE_FOR_SITUATION = "   注意：这一条写的金额是给其他情况的家庭的，您这种情况本文件没有写金额。"
HIT_NOTHING_FOR_SITUATION = "   这一条只写了其他情况的家庭，不适用于您说的情况。"

# --- questions about the document itself (from the catalogue) ------------------------
DOC_FACTS = "{city}：{number}，{issued}；{effective}；{status}{repeals}"
DOC_ISSUED = "{date}印发"
DOC_NOT_DATED = "未注明日期"
DOC_EFFECTIVE = "自{date}起实施"
DOC_NO_EFFECTIVE = "文件没有写实施日期"
DOC_REPEALS = "；同时废止：{numbers}"
DOC_DRAFT_NUMBER = "征求意见稿，无文号"
SCOPE_EXCLUDES = (
    "{city}的文件所说的扶助对象是：{who}。您说的情况不在其中，下面的条文只供参考；"
    "请向户籍所在地乡镇（街道）问清楚。"
)
TERMINAL_CHOICES = "（输入编号：{items}）"
TERMINAL_CHOICE = "{n} = {label}"
