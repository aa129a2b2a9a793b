"""Every user-facing Chinese string of the caring conversation: distress replies and
everyday sentences (greetings, thanks, "who are you", another city). Reviewed as copy.

Short, warm sentences for grieving parents in their 60s and 70s; never "失独" to a user's
face. Plain text: the Telegram side escapes it before sending.
"""

# --- distress: warmth first, then where to get help now --------------------------------
DISTRESS_OPENING = (
    "听到您这么说，我很难过。家里遭了这么大的难，换了谁都很难熬，您有这样的念头是可以理解的，这不是您的错。"
)
DISTRESS_HOTLINE = (
    "现在就可以打全国统一的心理援助热线 12356，有专业的人听您说说话。"
    "各地每天至少有18个小时有人接听，很多城市24小时都有人。"
)
DISTRESS_DANGER = "如果您或身边的人现在就有危险，请马上打 120（急救）或 110（报警）。"
DISTRESS_CITY_INTRO = "{city}的文件里也写了对您这样的家庭的心理帮扶："
DISTRESS_CITY_CLAUSE = "出处：{number}，{path}\n原文：{sentence}\n{dated}"
DATED_IN_FORCE = "（以上内容依据{date}印发的文件所载；具体以当地卫生健康部门的解释为准）"
DATED_DRAFT = "（以上内容出自征求意见稿，文件没有注明日期，不是正式生效文件）"
DISTRESS_NO_CITY = "告诉我您在哪个城市，我可以把当地文件里关于心理帮扶的规定找给您。"
# for a family in the care registry (the office linked its Telegram account): an urgent visit
DISTRESS_OFFER_VISIT = "您愿意的话，我可以请平时联系您家的干部尽快到家里来看看您。"
BTN_ASK_VISIT = "请联系人来看看我"
DISTRESS_VISIT_ASKED = "好的，已经告诉您的联系人了，他们会尽快来看您。您说的话我没有转给任何人。"
DISTRESS_VISIT_ALREADY = "今天已经请过联系人了，他们会尽快来。等的时候难受，也可以打 12356 说说话。"
DISTRESS_STAY = "您愿意的话，可以跟我多说几句，我在这里。"
# a second and later despairing message in the same conversation: short, warm, the numbers
# kept, no document (it was quoted the first time); they take turns so no two in a row match
DISTRESS_AGAIN = (
    "我还在这里陪着您。心里太苦的时候，现在就可以打 12356，有人听您慢慢说。\n如果现在就有危险，请马上打 120 或 110。",
    "您不是一个人，我一直都在。想找人说说话，就打 12356。\n如果现在就有危险，请马上打 120 或 110。",
    "慢慢说，我在听。12356 随时可以打，会有人陪着您。\n有危险的时候，请马上打 120 或 110。",
)
NO_NUMBER = "征求意见稿，无文号"

# --- everyday sentences --------------------------------------------------------------
GREETING = "您好！我是连心助手，可以帮您查当地对计划生育特殊家庭的帮扶政策。您想问什么，直接打字就行。"
THANKS = "不客气，能帮上您就好。还有什么想问的，随时跟我说。"
FEELINGS = "我在这里陪着您。想说说心里话，或者想问问政策上的事，都可以直接打字告诉我。"
WHO_AM_I = (
    "我是连心助手，一个查政策的小助手，不是真人。"
    "我能帮您查当地文件里对计划生育特殊家庭的帮扶，每一条都告诉您出自哪个文件。"
)
HOW_TO_USE = (
    "用起来很简单：直接打字问，比如“每个月的扶助金有多少”“住院有没有补贴”。"
    "想知道您家具体能享受哪些，{check_hint}"
)
CHECK_HINT_TELEGRAM = "发 /check，我问您几个简单的问题。"
CHECK_HINT_CONSOLE = "输入“查看待遇”，我问您几个简单的问题。"
CITY_SET = "好的，记下了：{city}。以后就按{city}的文件给您查。"
ELDERLY_CARE_LEAD = "您的担心我明白。文件里对您这样的家庭养老有专门的照顾，下面是相关的规定："
OTHER_CITY = (
    "我现在只收录了五个地方的文件：{known}。{place}的文件我这里还没有。\n"
    "国家的计划生育家庭特别扶助制度全国都有，各地都在发；"
    "具体能享受哪些，请问户口所在地的乡镇（街道）卫生健康办公室（计生办），或者村（社区）的计生专干。"
)
OTHER_CITY_LIVES_IN = "您住在{city}，但这些帮扶一般按户口所在地办理；{city}的规定只能供您参考，不一定适用于您家。"
NO_CITY_NOTE = "您还没告诉我户口在哪个城市。下面是别的地方文件里的规定，只供参考；各地政策不同，以户籍所在地为准。"
BTN_OTHER_PLACE = "其他地方"
YOUR_PLACE = "您那里"
ASK_CITY = "您家的户口在哪个城市？请输入城市名，比如：{known}。"

# --- the conversation core (dialogs/conversation.py): words every channel shares --------
# A button that cannot be used any more (an older interview, a replayed or forged press).
EXPIRED = {
    "telegram": "这个按钮已经过期了。请发 /check 重新开始，或发 /help 看看能做什么。",
    "wechat": "这个编号已经过期了。想查待遇请回复“查待遇”，想问政策直接打字就行。",
    "default": "这个选项已经过期了。想查待遇可以重新开始，想问政策直接打字就行。",
}
ALREADY_ANSWERED = "这个问题已经答过了。"
NOT_UNDERSTOOD_AGE = "请选上面的一项，或者直接输入岁数，比如 62。"
BAD_AGE = "没看懂这个岁数，请填18到120之间的数字，或者选上面的一项。"
TOO_LONG = "您的话有点长，我先看前面{n}个字。"
CHECK_RESUMED = "接着上次的地方："
CHECK_SAVED = {
    "telegram": "（您的回答已保存，发 /forget 可以删除。）",
    "wechat": "（您的回答已保存，回复“删除我的信息”可以全部删除。）",
    "default": "（您的回答已保存，需要时可以让我全部删除。）",
}
VISIT_CHECK_SAVED = "结果已保存到这户家庭的档案里，下一位联系人也能看到（/myfamilies）。"
BTN_FULL_TEXT = "原文 {n}"
BTN_START_CHECK = "看看我家能享受什么"
OFFER_CHECK = "想知道您家具体能享受哪些、每月多少钱？选“看看我家能享受什么”，我问您几个简单的问题。"
BTN_UNKNOWN = "不清楚"
BTN_BACK = "⬅ 返回上一步"
BTN_DONE = "选好了 ✔"
BTN_CONFIRM = "✔ 都对，看结果"
BTN_CHANGE = "改：{what}"
MID_INTERVIEW = "问答还没做完，接着回答下面这个问题就行："
DRAFT_STATUS = "（征求意见稿，不是正式生效文件）"
ISSUED_STATUS = "（{date}印发）"
CHECK_HINT_CHOOSE = "选“看看我家能享受什么”，我问您几个简单的问题。"
BAD_CHOICE = {
    "terminal": "没看懂您的选择，请输入前面的编号。",
    "wechat": "没看懂您的选择，请回复上面列出的数字；想问别的事，直接打字问就行。",
    "default": "没看懂您的选择，请选下面的一项；想问别的事，直接打字问就行。",
}
# /check, 查待遇 or its button in a group chat: the interview is for a private chat only
# A city whose document its staff put in and whose rules nobody has published yet (issue 26).
CHECK_UNDER_REVIEW = ("{city}的待遇规则还在核对中，暂时不能帮您逐项算出能领哪些。"
                      "您可以直接把想问的事发给我，我会引用文件原文回答；具体待遇请问当地卫生健康部门。")
CHECK_PRIVATE_ONLY = "为了保护家庭的隐私，查待遇只能在和我的私聊里做。请点开我的头像，在私聊里再发一次。"
# the city question's last button: the family lives in none of the five cities
BTN_CITY_OTHER = "都不是，我在别的地方"
# the one-line summary kept with a family's saved answers (shown to staff with the record)
SAVED_SUMMARY = "可享受：{eligible}"
SAVED_SUMMARY_NONE = "无可享受项目"
