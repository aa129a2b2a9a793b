"""Every Chinese string the WeChat Service Account says beyond the conversation itself
(reviewed as copy, like `bot/telegram/templates.py` for Telegram).

WeChat shows plain text: no buttons under a message, so choices are numbered lines the
person answers by typing the number (elders find "回复 1" easier than a menu that scrolls
away). Warm, plain, short sentences; never "失独" to a person's face.
"""

WELCOME = (
    "您好，我是连心助手。\n"
    "我可以帮您查一查当地对计划生育特殊家庭的帮扶政策，看看您家能享受哪些待遇。\n"
    "直接打字问就行，比如“住院有没有补贴”；也可以点下面菜单里的“查待遇”。"
)
ASK_CONSENT = (
    "为了下次接着上次的地方继续，需要把您在问答里的回答保存在我们的服务器上。"
    "只用于给您算待遇，不给别人看（工作人员查看会留下记录）。"
    "您随时可以回复“删除我的信息”全部删除。\n"
    "可以保存吗？"
)
CONSENT_YES = "可以保存"
CONSENT_NO = "不要保存"
CONSENT_GIVEN = "谢谢您。您的回答会保存，下次可以接着用。"
CONSENT_REFUSED = "没关系，我们不保存您的回答。问答只在这一次有效，隔久了需要重新开始。"
YES_WORDS = frozenset({"可以", "好", "好的", "同意", "可以的", "行", "嗯", "是", "是的", "愿意", "确定", "对"})
NO_WORDS = frozenset({"不", "不要", "不行", "不同意", "不用", "不可以", "算了", "先不", "先不删", "不删"})
STICKER_ONLY = "收到您的表情了。想问什么，直接打字告诉我就行，比如“住院有没有补贴”。"
CONSENT_WORDS = {"可以保存": True, "同意保存": True, "不要保存": False, "不保存": False, "不同意保存": False}

CHOICES_HEAD = "请回复数字："
CHOICE_LINE = "{n}. {label}"
CHECKLIST_HEAD = "可以一次回复几个数字，用空格隔开，比如“1 3”；都没有，请回复 0。"
PART_OF = "（{n}/{total}）"
CUT_SHORT = "内容太长，微信里先显示到这里。想看别的部分，请回复上面列出的数字，或者换个问法问得具体一些。"
FULL_TEXT_LINK = "在手机网页上看全文：{url}"
PRINT_LINK = "打印或转给家人看：{url}"
BAD_NUMBER = "没有这个编号。请回复上面列出的数字，或者直接打字说您想问的事。"

VOICE_NOT_UNDERSTOOD = (
    "不好意思，我现在还听不懂语音。请打字告诉我您想问的事，比如“住院有没有补贴”；"
    "也可以点下面菜单里的“查待遇”。\n"
    "心里难受、想找人说说话，可以拨打 12356 心理援助热线。"
)
NOT_TEXT = "不好意思，我只能看懂文字。请打字告诉我您想问的事，比如“每个月的扶助金有多少”。"

MENU_ASK = (
    "您直接打字问就行，比如：“每个月的扶助金有多少”“住院有没有补贴”“养老院能不能优先住”。"
    "写上城市更准，比如“开封 住院有没有补贴”。"
)
MENU_CONTACT = (
    "需要帮助的时候：\n"
    "· 心里难受、想找人说说话：12356 心理援助热线。\n"
    "· 有危险或急病：120 急救，110 报警。\n"
    "· 待遇怎么申请、什么时候发：请找户口所在地的乡镇（街道）或县（区）卫生健康部门，"
    "也可以问您家的联系人。"
)
# the custom menu the admin CLI creates (python -m bot admin wechat-menu): key -> label
MENU = {"CHECK": "查待遇", "ASK": "问政策", "CONTACT": "联系我们"}

PRIVACY = (
    "我们保存什么：您同意后，问答里的回答和结果，下次接着用；不同意就不保存。"
    "我们不保存您打字提的问题。回复“删除我的信息”就全部删除，数据库文件里也不留副本。"
)
PRIVACY_WORDS = frozenset({"隐私", "隐私说明", "/privacy"})
FORGET_WORDS = frozenset({"删除我的信息", "删除信息", "删除我的资料", "/forget", "忘记我"})
FORGET_CONFIRM = "确定要删除我们保存的关于您的全部内容吗？删除后不能恢复。"
FORGET_YES = "确定删除"
FORGET_NO = "先不删"
FORGOTTEN = "已经全部删除了。需要时随时再来问。"
FORGET_KEPT = "好的，什么也没删。"
TOO_LONG = "您的消息太长了，我看不过来。请用一两句话告诉我您想问的事。"
SLOW_DOWN = "您发得有点快，请稍等一会儿再发。"
BUSY = "不好意思，刚才没能处理好您的消息，请稍后再发一次。"
