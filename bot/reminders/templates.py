"""Every user-facing Chinese string of the reminders feature (contacts, supervisors, admins)."""

KIND_NAMES = {
    "phone_call": "电话回访", "home_visit": "上门走访", "follow_up": "跟进回访", "urgent": "紧急上门",
    "festival:spring": "春节走访慰问", "festival:mid_autumn": "中秋走访慰问", "festival:double_ninth": "重阳走访慰问",
}
REMINDER = "📋 <b>{kind}</b>：{alias}\n应在 {due} 前完成。"
REMINDER_LATE = "（这条提醒晚发了：机器人停机期间没能按时发送。）"
REMINDER_AGAIN = "（再次提醒：上次的提醒还没有回复。）"
BTN_DONE_VISIT = "✔ 已走访"
BTN_DONE_CALL = "✔ 已回访"
BTN_POSTPONE = "推迟 {n} 天"
BTN_HELP = "🆘 需要协助"
ASK_OUTCOME = "{alias}：这次{kind}情况怎么样？"
OUTCOMES = {"ok": "一切平安", "need": "有困难，需要跟进", "none": "没联系上"}
ASK_FOLLOW_UP = "要安排下次跟进吗？"
FOLLOW_UPS = {"0": "不用", "7": "7天后再访", "30": "30天后再访"}
LOGGED = "已记录：{alias}，{kind}，{outcome}。{next}"
LOGGED_NEXT = "下次跟进：{day}。"
NOTE_HINT = "如需补充备注，直接回复一句话即可（不要写病情细节以外的隐私）。"
NOTE_SAVED = "备注已保存。"
POSTPONED = "好的，{n} 天后再提醒您。"
HELP_SENT = "已通知负责人，他们会尽快联系您。"
HELP_ALREADY = "这条提醒已经通知过负责人了，不用再点，他们会尽快联系您。"
ALREADY_FINISHED = "这条提醒已经记录完成了，不用再操作。谢谢您！"
NOT_YOURS = "这条提醒不是发给您的。"
ESCALATION = ("⚠️ <b>需要关注</b>：{alias} 的{kind}（应在 {due} 前完成）{reason}。"
              "联系人：{contact}。请安排人员跟进，不要让这户家庭没人联系。")
REASON_UNACKED = "提醒两次都没有回复"
REASON_UNREACHABLE = "联系人收不到消息（没有登记 Telegram，或已屏蔽机器人）"
REASON_HELP = "联系人请求协助"
MY_FAMILIES = "<b>您联系的家庭</b>\n{lines}"
MY_FAMILIES_NONE = "还没有给您分配家庭。"
NOT_A_CONTACT = "您还没有登记为联系人。请管理员用 python -m bot admin 登记。"
RECORD_LINE = "上次测算（{day}）可享受：{eligible}；还需确认：{unclear}"
REASON_SUPERVISOR_TOO = "；负责人也收不到消息（还没打开机器人或已屏蔽），所以通知管理员"
REASON_NO_SUPERVISOR = "；这位联系人没有登记负责人，所以通知管理员"
ESCALATION_TEAM_HINT = "负责人可以用 /overdue 查看本组所有逾期的提醒。"
BTN_TEAM_OVERDUE = "📋 本组逾期提醒"
ASK_NOTE = "要补充一句备注吗？（比如家里需要什么帮助；不要写与走访无关的隐私）"
BTN_NOTE_YES = "✍ 写备注"
BTN_NOTE_NO = "不写了"
NOTE_PROMPT = "请直接回复一句话作为备注（{minutes} 分钟内有效；发送任何命令就结束，不记备注）。"
NOTE_SKIPPED = "好的，不写备注。"
NOTE_EXPIRED = "写备注的时间已过，这条消息没有记为备注。"
NOTE_LOOKS_LIKE_QUESTION = ("这句话像是在问问题，我先按问题回答，没有记为备注。"
                            "如果它就是备注，请点下面的按钮；也可以再发一句备注（{minutes} 分钟内有效）。")
BTN_NOTE_KEEP_QUESTION = "把这句记为备注"
HELP_SENT_KEEP = "已通知负责人，他们会尽快联系您。走访或回访完成后，仍可以在下面点“已走访/已回访”记下来。"
MY_FAMILY_LINE = "· {alias}（{place}）\n  上次走访：{last}；下次到期：{next}"
NONE_YET = "还没有"
CONTACT_ROLE_NAMES = {"township_leader": "乡镇（街道）领导干部", "health_cadre": "卫生计生干部",
                      "village_cadre": "村（社区）干部", "volunteer": "志愿者"}
CONTACT_WELCOME = ("您好，{name}！您已登记为帮扶联系人（{role}），不需要邀请码。\n"
                   "到了该联系家庭的时候，我会在这里发提醒。\n\n" )
HELP_CONTACT = ("<b>帮扶联系人可以用：</b>\n"
                "/myfamilies 我联系的家庭（村、上次走访、下次到期）\n"
                "/visitcheck 走访时帮家庭测算待遇（先征得家庭同意）\n"
                "/urgent 家庭出了意外、重病、受灾时发起紧急走访\n"
                "/overdue 负责人：查看本组逾期的提醒\n"
                "收到提醒后：点“已走访/已回访”记下情况，也可以推迟或点“需要协助”。\n"
                "直接发文字可以查政策条款。\n/privacy 我们保存了什么  /forget 删除关于我的内容")
COMMANDS_CONTACT = [("myfamilies", "我联系的家庭"), ("visitcheck", "走访时帮家庭测算待遇"),
                    ("urgent", "家庭出了意外、重病：发起紧急走访"), ("overdue", "负责人：本组逾期的提醒"),
                    ("help", "使用说明")]
TEAM_OVERDUE_HEADER = "<b>本组逾期未完成的提醒（{n} 条）</b>"
TEAM_OVERDUE_NONE = "本组没有逾期未完成的提醒。"
STATUS_WORDS = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "escalated": "已上报",
                "undeliverable": "发不出去（联系人收不到）", "done": "已完成"}
REACH = "{total} 位中 {reachable} 位能收到提醒"
REACH_NOT_OPENED = "，{n} 位还没打开机器人"
REACH_BLOCKED = "，{n} 位屏蔽了机器人"
REACH_NO_TELEGRAM = "，{n} 位没有登记 Telegram"
REACH_FIX = "。请让他们在 Telegram 里打开机器人、点“开始”，之后就能收到提醒。"
REACH_FIX_ID = "。没有登记 Telegram 的联系人请在名单里补上 telegram_id。"


def describe_reach(total: int, reachable: int, not_opened: int, blocked: int, no_telegram: int) -> str:
    """'3 位中 1 位能收到提醒，2 位还没打开机器人。…': what an admin must know after an import
    or an assignment (a bot can only write to someone who has opened it)."""
    text = REACH.format(total=total, reachable=reachable)
    for count, words in ((not_opened, REACH_NOT_OPENED), (blocked, REACH_BLOCKED), (no_telegram, REACH_NO_TELEGRAM)):
        if count:
            text += words.format(n=count)
    if not_opened or blocked:
        return text + REACH_FIX
    return text + (REACH_FIX_ID if no_telegram else "。")
ASSIGN_PLANNED = "已为这户安排了 {n} 条今天到期的提醒。"
ASSIGN_MISSING = "⚠️ 这户还缺：{roles}。按本地的联系安排，这些角色的提醒现在没人收到（/assign 补上）。"
ASSIGN_REFUSED = ("没有分配：{role}作为这户的第 {position} 位联系人，按{city}的联系安排收不到任何提醒"
                  "（安排只写给：{roles}）。{volunteers}")
ROLE_ANY = "至少一位联系人"
RECORD_SHORT = "  上次测算：{day}（点下面的按钮看完整结果）"
BTN_RECORD = "📄 {alias}的测算结果"
RECORD_HEADER = "<b>{alias}</b> 的测算结果（{day} 走访时和家庭一起做的，按当时的回答）"
RECORD_UNREADABLE = "这份记录是旧格式，无法重新显示；请在下次走访时用 /visitcheck 再测算一次。"
FAMILY_USAGE_ALIAS = "请这样发送：/family 用户编号，或 /family 家庭代号（登记名单里的，比如 王家）"
FAMILY_NEEDS_CITY = "请先发 /start 选择您负责的城市：工作人员只能查看本市的家庭。"
FAMILY_OTHER_CITY = "这户家庭不在您负责的城市（{city}），不能查看。"
FAMILY_NOT_FOUND = "{city}的登记名单里没有“{alias}”这户家庭。"
FAMILY_PROFILE_HEADER = "<b>用户 {user} 的记录</b>（{city}，更新于 {updated}，北京时间）"
FAMILY_AUDITED = "（本次查看已记入审计日志）"
AUDIT_ACTIONS = {"read_family_record": "查看了家庭记录", "read_care_family": "查看了登记家庭", "assign": "分配联系人",
                 "raise_urgent": "发起紧急走访", "family_asked_visit": "家庭请联系人上门",
                 "read_audit_log": "查看了审计记录", "refused_command": "被拒绝的命令",
                 "grant_staff": "设为工作人员", "grant_volunteer": "设为志愿者", "grant_family": "设为家庭",
                 "console_link_created": "取得办公后台登录链接", "console_signed_in": "登录办公后台"}
AUDIT_ROW = "{at} 用户{actor} {action} {what}"
AUDIT_SUBJECT = "用户{subject}"
CONTACT_FORGET_NOTE = ("\n\n您也是帮扶联系人。删除后会保留：您的联系人登记（姓名、职务、Telegram 编号，由管理员管理；"
                       "离岗请让管理员登记 contact-left）和您记下的走访记录（日期、情况、备注）——"
                       "走访记录是帮扶工作的凭证，上级检查时要用，属于这户家庭的档案。别人查看记录的审计也会保留。")
# --- WeCom (企业微信): the reminder as a card with buttons, the same words as on Telegram ---------
WECOM_SOURCE = "连心助手"
WECOM_CARD_TITLE = "📋 {kind}：{alias}"
WECOM_CARD_DUE = "应在 {due} 前完成。"
WECOM_CARD_HINT = "完成后点下面的按钮记一下；今天不方便，就点“稍后提醒”，明天上午再提醒您。"
WECOM_BTN_CALL = "已电话联系"
WECOM_BTN_VISIT = "已上门"
WECOM_BTN_LATER = "稍后提醒"
WECOM_RECORDED = "已记录：{what}"
WECOM_POSTPONED = "好的，明天上午再提醒"
WECOM_ALREADY = "已经记录过了，谢谢您"
WECOM_NOT_YOURS = "这条提醒不是发给您的"
REASON_UNREACHABLE_WECOM = "联系人在企业微信里收不到消息（账号不存在，或不在应用的可见范围）"
