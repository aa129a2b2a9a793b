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
