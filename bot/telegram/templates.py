"""Every user-facing Chinese string of the Telegram bot, in one place (reviewed as copy).

Warm, plain, short sentences for parents in their 60s and 70s; never "失独" to a user's
face. HTML parse mode: strings here are trusted markup, anything from users or documents is
escaped before it is put in.
"""

WELCOME = (
    "您好，我是<b>连心助手</b>。\n"
    "我可以帮您查一查当地对计划生育特殊家庭的帮扶政策，看看您家能享受哪些待遇。\n"
    "先请告诉我，您是："
)
ROLE_FAMILY = "家里人（本人或亲属）"
ROLE_VOLUNTEER = "志愿者或联系干部"
ROLE_STAFF = "热线或卫健工作人员"
NEEDS_INVITE = (
    "志愿者、联系干部和工作人员需要管理员发的邀请码。\n"
    "拿到邀请码后，请发送：/join 邀请码\n"
    "在这之前，您可以先像家里人一样使用。"
)
ASK_CITY = "请选择户口所在的城市（区）："
CITY_SET = "好的，记下了：{city}。"
ASK_CONSENT = (
    "为了下次接着上次的地方继续，需要把您在问答里的回答保存在我们的服务器上。\n"
    "只用于给您算待遇，不给别人看（工作人员查看会留下记录）。您随时可以发 /forget 全部删除。\n"
    "可以保存吗？"
)
CONSENT_YES = "可以保存"
CONSENT_NO = "不要保存"
CONSENT_GIVEN = "谢谢您。"
CONSENT_REFUSED = "没关系，我们不保存您的回答。问答过程只在这次对话里有效，机器人重启后需要重新开始。"
READY = (
    "发 /check ，我问您几个简单的问题，告诉您家能享受哪些帮扶、每月多少钱。\n"
    "也可以直接打字问，比如“住院有没有补贴”。"
)

HELP_FAMILY = (
    "<b>您可以这样用：</b>\n"
    "/check 一步一步看看您家能享受哪些帮扶\n"
    "直接打字提问，比如“每个月的扶助金有多少”\n"
    "/doc 按条目翻看政策文件原文\n"
    "/compare 看看各地同一项待遇的对比\n"
    "/privacy 我们保存了什么\n"
    "/forget 删除我们保存的关于您的一切\n"
    "/start 重新选择身份和城市"
)
HELP_VOLUNTEER = HELP_FAMILY + (
    "\n\n<b>联系干部和志愿者：</b>\n/myfamilies 我联系的家庭\n/visitcheck 走访时帮家庭测算待遇（先征得同意）\n"
    "/urgent 家庭出了意外、重病、受灾时发起紧急走访\n"
    "到了该联系的时候，我会发提醒：点“已走访/已回访”记下情况，也可以推迟或请求协助。\n"
    "在上门走访时，可以征得家庭同意后帮他们做 /check。"
)
HELP_STAFF = HELP_FAMILY + (
    "\n\n<b>工作人员：</b>\n"
    "在任何聊天里输入 @{bot} 加关键词（比如“住院护理”），可以直接引用条款。\n"
    "/family 用户编号 查看一个家庭保存的情况（会记录在审计日志里）\n"
    "/console 办公后台（电脑浏览器）的一次性登录链接"
)
HELP_ADMIN = HELP_STAFF + (
    "\n\n<b>管理员：</b>\n"
    "/invite volunteer 或 /invite staff 生成邀请码\n"
    "/grant 用户编号 角色（family / volunteer / staff）\n"
    "/audit 最近的审计记录\n"
    "/overdue 逾期未完成的走访\n"
    "/urgent 家庭编号 发起紧急走访（意外、重病、受灾）\n"
    "/assign 家庭编号 联系人编号 分配联系人\n"
    "导入、导出名单请用 /console 打开办公后台，或在服务器上用 python -m bot admin（含家庭信息的文件不经过聊天传送）"
)

PRIVACY = (
    "<b>我们保存什么、为什么、保存多久</b>\n"
    "· 您选的身份和城市：用来给您看对应的政策。\n"
    "· 您同意后，问答里的回答和结果：下次接着用，不用重填。您不同意就不保存。\n"
    "· 工作人员查看您家的记录时，会留下谁在什么时候看过的记录。\n"
    "· 如果您家在当地的联系人名册里、并把这个账号告诉了卫健办，名册会记下这个账号，"
    "这样您难受的时候可以一键请联系人来看您。发 /forget 后这个关联就删掉，名册本身由卫健办保管。\n"
    "我们不保存您打字提的问题。以上内容一直保存到您发 /forget 为止，发了就全部删除，"
    "数据库文件里也不留副本。\n"
    "删除后只留一样：工作人员查看过您家记录的留痕（什么时候、谁看的），但不再写您是谁。"
    "留着是为了监督工作人员不乱看，到了规定的保存期限会自动删除。"
    "（您如果是工作人员，您查看别人家记录的留痕也会保留：被查看的家庭有权知道谁看过。）"
)
FORGET_CONFIRM = "确定要删除我们保存的关于您的全部内容吗？删除后不能恢复。"
FORGET_YES = "确定删除"
FORGET_NO = "先不删"
FORGOTTEN = "已经全部删除了。需要时发 /start 重新开始。"
FORGET_KEPT = "好的，什么也没删。"

CHECK_RESUMED = "接着上次的地方："
VISIT_CHECK_SAVED = "结果已保存到这户家庭的档案里，下一位联系人也能看到（/myfamilies）。"
VISIT_CHECK_CHOOSE = "要帮哪一户家庭做待遇测算？"
VISIT_CHECK_CONSENT = "请先当面问一下{alias}：同意把这次的回答和结果记在家庭档案里吗？"
VISIT_CHECK_AGREED = "家庭同意"
VISIT_CHECK_DECLINED = "家庭不同意"
VISIT_CHECK_NOT_SAVED = "好的，不做记录。您可以请家人自己用 /check 查看。"
CHECK_SAVED = "（您的回答已保存，发 /forget 可以删除。）"
BTN_UNKNOWN = "不清楚"
BTN_BACK = "⬅ 返回上一步"
BTN_DONE = "选好了 ✔"
BTN_CONFIRM = "✔ 都对，看结果"
BTN_CHANGE = "改：{what}"
BTN_FULL_TEXT = "原文 {n}"
BTN_START_CHECK = "看看我家能享受什么"
BTN_BACK_UP = "⬅ 上一级"
CHOOSE_DOC = "请选择要看的文件："
CHOOSE_CLAUSE = "{title}\n请选择条目："
CHOOSE_TOPIC = "请选择要对比的待遇："
OFFER_CHECK = "想知道您家具体能享受哪些、每月多少钱？点下面的按钮，我问您几个简单的问题。"

EXPIRED = "这个按钮已经过期了。请发 /check 重新开始，或发 /help 看看能做什么。"
ALREADY_ANSWERED = "这个问题已经答过了。"
NOT_UNDERSTOOD_AGE = "请点上面的按钮，或者直接输入岁数，比如 62。"
NON_TEXT = "我现在只能看懂文字。您可以直接打字提问，或者发 /check 让我问您几个问题。"
TOO_LONG = "您的话有点长，我先看前面{n}个字。"
SLOW_DOWN = "您发得有点快，请稍等一会儿再发。"
ERROR = "抱歉，刚才出了点问题，请再试一次。如果一直不行，请发 /start 重新开始。"
UNKNOWN_COMMAND = "这个命令我不认识。发 /help 看看我能做什么。"
STAFF_ONLY = "这个功能只对工作人员开放。"
ADMIN_ONLY = "这个功能只对管理员开放。"
CONSOLE_LINK = ("<b>办公后台登录链接</b>（{minutes} 分钟内有效，只能用一次；请不要转发给别人）：\n{url}\n"
                "在电脑浏览器里打开，点“登录”即可。用完请点“退出登录”。")
CONSOLE_NO_ADDRESS = ("服务器还没有设置办公后台的网址（WEB_PUBLIC_URL），所以发不了链接。"
                      "请运维人员设置后再试；或者请他在服务器上运行"
                      " python -m bot admin console-link {user} 给您一个链接。")
PRIVATE_ONLY = "为了保护家庭的隐私，这个功能只能在和我的私聊里用。请点开我的头像，在私聊里再发一次。"
JOIN_USAGE = "请这样发送：/join 邀请码"
JOIN_OK = "好的，您现在的身份是：{role}。发 /help 看看能做什么。"
JOIN_BAD = "这个邀请码不对、已经用过了，或者已经过期（邀请码7天内有效）。请向管理员要一个新的。"
INVITE_USAGE = "请这样发送：/invite volunteer 或 /invite staff"
INVITE_OK = "邀请码：<code>{code}</code>（{role}，只能用一次，7天内有效）。请对方发送 /join {code}"
GRANT_USAGE = "请这样发送：/grant 用户编号 角色（family / volunteer / staff）"
GRANT_OK = "已把用户 {user} 设为 {role}。"
FAMILY_USAGE = "请这样发送：/family 用户编号"
FAMILY_NONE = "用户 {user} 没有保存的记录（可能没有同意保存，或已删除）。"
FAMILY_RECORD = (
    "<b>用户 {user} 的记录</b>（{city}，更新于 {updated}）\n{answers}\n\n{summary}\n\n（本次查看已记入审计日志）"
)
AUDIT_HEADER = "<b>最近的审计记录</b>"
AUDIT_LINE = "{at} 用户{actor} {action} {subject}"
AUDIT_EMPTY = "还没有审计记录。"
URGENT_USAGE = "请这样发送：/urgent 家庭编号（见 python -m bot admin families）"
URGENT_CHOOSE = "哪一户家庭出了意外、重病或受灾？选中后，这户的所有联系人会马上收到紧急走访提醒。"
ASSIGN_USAGE = "请这样发送：/assign 家庭编号 联系人编号（见 python -m bot admin families / contacts）"
ASSIGN_OK = "已分配：家庭 {family} 由联系人 {contact} 联系（第 {position} 位）。"
URGENT_OK = "已发起紧急走访：{n} 位联系人马上会收到提醒。"
URGENT_NONE = "这户家庭还没有分配联系人，或编号不对。"
OVERDUE_HEADER = "<b>逾期未完成的走访（{n} 条）</b>"
OVERDUE_NONE = "没有逾期的走访。"
INLINE_STAFF_ONLY = "先在私聊中登记工作人员身份"
INLINE_NOTHING = "没有找到相关条款"
ROLE_NAMES = {"family": "家里人", "volunteer": "志愿者/联系干部", "staff": "工作人员", "admin": "管理员"}

COMMANDS_FAMILY = [
    ("check", "看看我家能享受哪些帮扶"),
    ("doc", "翻看政策文件原文"),
    ("compare", "各地待遇对比"),
    ("privacy", "我们保存了什么"),
    ("forget", "删除关于我的全部内容"),
    ("help", "使用说明"),
    ("start", "重新选择身份和城市"),
]
COMMANDS_VOLUNTEER = [*COMMANDS_FAMILY, ("myfamilies", "我联系的家庭"), ("visitcheck", "走访时帮家庭测算待遇"),
                      ("urgent", "家庭出了意外、重病：发起紧急走访")]
COMMANDS_STAFF = [*COMMANDS_VOLUNTEER, ("family", "查看一个家庭的记录（审计）"), ("console", "办公后台登录链接")]
COMMANDS_ADMIN = [*COMMANDS_STAFF, ("invite", "生成邀请码"), ("grant", "设置用户角色"), ("audit", "审计记录"),
                  ("overdue", "逾期未完成的走访"), ("assign", "分配联系人")]
