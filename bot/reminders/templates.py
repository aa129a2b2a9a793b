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
