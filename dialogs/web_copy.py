"""Chinese copy of the web pages (the phone page, the desk console, API error lines).

Kept with the other copy modules so every word a family or a hotline worker reads on the
web is reviewed in one place, next to the words the bot and the terminal use."""

from __future__ import annotations

SITE_NAME = "连心助手"
HOME_TITLE = "连心助手：计划生育特殊家庭帮扶查询"
HOME_INTRO = "这里可以查一查您家按当地文件能享受哪些帮扶，也可以直接问问题。每一条都注明出自哪份文件、哪一条。"
HOME_CHECK = "查查我家能享受什么"
HOME_ASK = "问一个问题"
HOME_DESK = "热线工作台（工作人员用）"
HOME_PRIVACY = "本页面不保存您填写的任何内容，关掉页面就没有了。"

ASK_TITLE = "问一个问题"
ASK_LABEL = "您想问什么？"
ASK_PLACEHOLDER = "比如：每个月的扶助金有多少"
ASK_CITY = "哪个地方（可以不选）"
ASK_ANY_CITY = "不限地方"
ASK_SUBMIT = "查一查"
ASK_SOURCE = "出处"
ASK_ORIGINAL = "原文"
ASK_AGAIN = "再问一个"
ASK_OFFER_CHECK = "想知道您家具体能享受哪些、每月多少钱？点下面的按钮，回答几个简单的问题就能看到。"
CHECK_HINT_WEB = "点“查查我家能享受什么”，回答几个简单的问题。"

CHECK_TITLE = "查查我家能享受什么"
CHECK_START = "开始"
CHECK_RESTART = "重新开始"
CHECK_TYPE_AGE = "或者直接填岁数"
CHECK_AGE_SUBMIT = "确定"
CHECK_BAD_AGE = "没看懂这个岁数，请填18到120之间的数字，或者点上面的按钮。"
CHECK_EXPIRED = "这一页已经过期或者不完整了（可能是很久以前打开的），请重新开始。不好意思。"
CHECK_PRINT = "打印或保存这一页"
CHECK_PRINT_HINT = "可以带着这一页去乡镇（街道）计生办或社区。"
CHECK_CHANGE = "改一改我填的情况"
CHECK_TAP_HINT = "点下面的类别，就能看到每一项的金额和文件原文；再点一下收起来。"
CHECK_GO_ON = "接着回答问题"
CHECK_SAY_LABEL = "想问别的，或者想说说心里话，也可以在这里打字："
CHECK_SAY_SUBMIT = "发送"

PRINT_TITLE = "帮扶项目清单"
PRINT_PRODUCED = "本清单由连心助手于{date}按文件原文生成，不是政府的正式通知。"
PRINT_DATE = "{year}年{month}月{day}日"
PRINT_SITUATION = "填写的情况"
PRINT_NOW = "打印"
PRINT_BACK = "返回"

DESK_TITLE = "热线工作台"
DESK_SEARCH = "搜条款"
DESK_SEARCH_PLACEHOLDER = "输入关键词，比如：扶助金、体检、养老院"
DESK_ALL_CITIES = "全部地方"
DESK_COPY = "复制出处"
DESK_COPIED = "已复制"
DESK_NO_RESULT = "没有找到相关条款。"
DESK_DOCUMENTS = "文件目录"
DESK_COMPARE = "各地对比"
DESK_COMPARE_TOPIC = "比哪一项"
DESK_COMPARE_SUBMIT = "对比"
DESK_COL_CITY = "地方"
DESK_COL_ITEM = "项目"
DESK_COL_AMOUNT = "金额（文件所载）"
DESK_COL_SOURCE = "出处"
DESK_NO_ITEM = "本文件没有这一项"
DESK_NO_PERSONAL = "工作台只查文件，不记录来电人的任何信息。"

NOT_FOUND_PAGE = "没有这个页面。"
TOO_MANY = "请求太频繁了，请稍等一会儿再试。"
DESK_CITATION = "{city}{number}，{path}：“{sentence}”（{date}）"

# --- the office's registry console (/console) ---------------------------------------------
CONSOLE_TITLE = "连心助手 · 帮扶名册（工作人员）"
CONSOLE_LINK_REFUSED = "这个登录链接已经用过、已过期（10 分钟内有效）或不存在。请重新获取一个登录链接。"
CONSOLE_SIGN_IN_FIRST = "请先登录：在机器人里发送 /console，或请管理员生成登录链接。"
# The daily warning to admins about documents that lapse soon (bot/documents/expiry.py).
EXPIRY_NOTICE = "以下政策文件将在{days}天内到期失效，请及时录入新文件并发布核对后的待遇规则："
EXPIRY_NOTICE_LINE = "· {city}《{number}》：{date}到期（还有{left}天）"
CONSOLE_FORM_EXPIRED = "这个表单已失效，请返回名册页面重新操作。"
CONSOLE_SIGNED_OUT = "您已退出登录。"
CONSOLE_LINK_WELCOME = "这是您的一次性登录链接。请点下面的按钮登录（链接只能用一次）。"
CONSOLE_LINK_BUTTON = "登录"
CONSOLE_SIGN_OUT = "退出登录"
CONSOLE_SEARCH_LABEL = "按代称、乡镇或村查找"
CONSOLE_SEARCH = "查找"
CONSOLE_NO_CITY = "您的账号还没有设定所属城市，暂时看不到任何家庭。请联系管理员。"
CONSOLE_NO_FAMILIES = "没有找到家庭。"
CONSOLE_COL_ALIAS = "代称"
CONSOLE_COL_CITY = "城市"
CONSOLE_COL_TOWNSHIP = "乡镇"
CONSOLE_COL_VILLAGE = "村"
CONSOLE_ADMIN_ONLY = "只有管理员可以修改名册。"
CONSOLE_BACK = "返回名册"
CONSOLE_EXPORT = "导出走访记录（CSV）"
CONSOLE_IMPORT_TITLE = "导入名册（CSV）"
CONSOLE_IMPORT_KIND = "导入的是"
CONSOLE_IMPORT_FAMILIES = "家庭名单"
CONSOLE_IMPORT_CONTACTS = "联系人名单"
CONSOLE_IMPORT_HELP = ("家庭名单的列：{families}（必填：代称、城市）。联系人名单的列：{contacts}（必填：姓名、角色）。"
                       "括号里是也认得的写法。Excel 另存为 CSV 即可（UTF-8 或默认编码都行）。"
                       "导入前会先显示检查结果，确认后才写入。")
CONSOLE_IMPORT_FILE = "选择文件"
CONSOLE_IMPORT_BUTTON = "导入"
CONSOLE_IMPORT_CHOOSE = "请选择要导入的是家庭还是联系人，并选择一个 CSV 文件。"
CONSOLE_IMPORT_NOT_UTF8 = "这个文件不是 UTF-8 编码。请在表格软件里另存为“CSV UTF-8”后再导入。"
CONSOLE_IMPORT_NOTHING = "文件里有下面这些问题，整份文件都没有导入。改正后请重新上传："
CONSOLE_IMPORTED_FAMILIES = "已导入 {count} 户家庭。"
CONSOLE_IMPORTED_CONTACTS = "已导入 {count} 位联系人。"
CONSOLE_OVERDUE_TITLE = "逾期未走访"
CONSOLE_OVERDUE_NONE = "今天没有逾期的提醒。"
CONSOLE_UNDELIVERABLE = "发不出去的提醒（对方屏蔽了机器人或从未打开过，请电话联系）"
CONSOLE_BY_TOWNSHIP = "按乡镇"
CONSOLE_BY_CONTACT = "按联系人"
CONSOLE_OVERDUE_LIST = "逐条"
CONSOLE_OVERDUE_SUMMARY = "逾期 {count} 条，其中 {escalated} 条已上报负责人或管理员。"
CONSOLE_COL_DUE = "应完成日期"
CONSOLE_COL_KIND = "事项"
CONSOLE_COL_CONTACT = "联系人"
CONSOLE_COL_STATE = "状态"
CONSOLE_COL_COUNT = "条数"
CONSOLE_STATE_NAMES = {"pending": "还没发出", "sending": "正在发送", "sent": "已提醒，未回复",
                       "escalated": "已上报负责人", "done": "已完成"}
CONSOLE_URGENT = "紧急走访"
CONSOLE_URGENT_DONE = "已发起紧急走访：{count} 位联系人会马上收到提醒。"
CONSOLE_URGENT_NOBODY = "这户家庭还没有分配联系人，紧急提醒发不出去。请先分配联系人。"
CONSOLE_NO_SUCH_FAMILY = "找不到这户家庭（或不在您负责的城市）。"
CONSOLE_CONTACTS = "负责的联系人"
CONSOLE_CONTACT_LEFT = "已离开"
CONSOLE_NO_CONTACTS = "还没有分配联系人。"
CONSOLE_TIMELINE = "走访和提醒"
CONSOLE_VISIT = "走访"
CONSOLE_REMINDER = "提醒"
CONSOLE_NO_TIMELINE = "还没有走访或提醒记录。"
CONSOLE_CONTACTS_TITLE = "联系人和分配"
CONSOLE_ASSIGN = "分配给家庭"
CONSOLE_CONTACT = "联系人"
CONSOLE_FAMILY = "家庭"
CONSOLE_SUPERVISOR = "设定上级"
CONSOLE_SUPERVISOR_IS = "上级"
CONSOLE_MARK_LEFT = "标记为已离开（其负责家庭的提醒将上报）"
CONSOLE_CHOOSE_BOTH = "请选择联系人和对应的家庭或上级。"
CONSOLE_SAVED = "已保存。"

# --- the console's registry editing, unassigning, maintenance and refusals in Chinese ------
# Each refusal of the CLI has a code; the console shows the sentence under that code, filled
# with the same parameters (a CSV problem is prefixed with its line).
CONSOLE_PROBLEM_LINE = "第 {line} 行：{text}"
CONSOLE_PROBLEMS = {
    "csv_syntax": "文件格式有误，无法按 CSV 读取（{error}）。",
    "header": ("表头（第一行）必须有这些列：{required}。缺少的列：{missing}；不认识的列：{unknown}。"
               "每一列可以用的列名：{accepted}。"),
    "extra_cells": "这一行比表头多了 {count} 个格子（可能有多余的逗号）。",
    "control_char": "“{field}”里有不可见的控制字符（如制表符、换行），请删掉后再试。",
    "not_yes_no": "“{field}”填的是“{value}”，只能填 是/否（或 1/0）。",
    "telegram_not_id": "Telegram 账号“{value}”不是有效的数字 ID（1 到 {digits} 位数字）。",
    "telegram_taken": "Telegram 账号 {telegram_id} 已经登记过了。",
    "alias_length": "代称必须填写，最多 40 个字。",
    "jurisdiction_unknown": "“{value}”不是名册支持的城市。可以填：{choices}。",
    "jurisdiction_missing": "城市必须填写，可以填：{choices}。",
    "alias_taken": "{city}已经有一户代称为“{alias}”的家庭了，请换一个代称。",
    "name_length": "姓名必须填写，最多 40 个字。",
    "role_unknown": "角色“{value}”不认识，请从乡镇领导、卫生计生干部、村干部、志愿者中选一个。",
    "contact_unlinked_taken": "{name}（{role}，{township}）已经登记过（没有 Telegram 账号），不要重复登记。",
    "assign_unknown": "找不到编号为 {family} 的家庭或编号为 {contact} 的联系人。",
    "assign_refused": "没有分配：{role}作为这户的第 {position} 位联系人，按{city}的联系安排收不到任何提醒。",
    "unassign_unknown": "找不到编号为 {family} 的家庭或编号为 {contact} 的联系人。",
    "unassign_not_assigned": "这位联系人并没有负责这户家庭，没有可取消的分配。",
    "forget_unknown": "找不到编号为 {family} 的家庭（可能已经删除）。",
    "family_unknown": "找不到编号为 {family} 的家庭。",
    "contact_unknown": "找不到编号为 {contact} 的联系人。",
    "left_unknown": "找不到编号为 {contact} 的联系人。",
    "supervisor_self": "联系人不能做自己的上级。",
    "supervisor_unknown_contact": "找不到编号为 {who} 的联系人。",
    "supervisor_unknown_supervisor": "找不到编号为 {who} 的上级联系人。",
    "wecom_not_id": "企业微信账号“{value}”不对：只能用字母、数字和 _ - @ .，以字母或数字开头，最多 {limit} 位。",
    "wecom_taken": "企业微信账号 {wecom_user_id} 已经绑定了别的联系人。",
}
CONSOLE_FIELD_NAMES = {"alias": "代称", "jurisdiction": "城市", "township": "乡镇", "village": "村",
                       "contact_note": "联系备注", "old_sick": "年老多病", "lives_alone": "独居",
                       "telegram_id": "Telegram 账号", "name": "姓名", "role": "角色",
                       "wecom_user_id": "企业微信账号"}
CONSOLE_ROLE_NAMES = {"township_leader": "乡镇领导", "health_cadre": "卫生计生干部", "village_cadre": "村干部",
                      "volunteer": "志愿者"}
CONSOLE_NO_TOWNSHIP = "未填乡镇"
CONSOLE_NOT_SAVED = "没有保存，请改正下面的问题："
CONSOLE_NEW_FAMILY = "新建家庭"
CONSOLE_EDIT_FAMILY = "修改家庭信息"
CONSOLE_FAMILY_SAVED = "家庭信息已保存。"
CONSOLE_NEW_CONTACT = "新建联系人"
CONSOLE_EDIT_CONTACT = "修改"
CONSOLE_EDIT_CONTACT_TITLE = "修改联系人"
CONSOLE_CONTACT_SAVED = "联系人已保存。"
CONSOLE_SAVE = "保存"
CONSOLE_YES = "是"
CONSOLE_ANY_CITY = "请选择城市"
CONSOLE_TELEGRAM_HELP = "可不填；填的话是对方 Telegram 账号的数字 ID。"
CONSOLE_UNASSIGN = "取消分配"
CONSOLE_UNASSIGNED = "已取消分配，这位联系人对这户还没完成的 {count} 条提醒已一并取消。"
CONSOLE_CONTACT_SEARCH_LABEL = "按姓名或乡镇查找联系人"
CONSOLE_NO_CONTACTS_FOUND = "没有找到联系人。"
CONSOLE_COL_ID = "编号"
CONSOLE_COL_REACH = "能否收到提醒"
CONSOLE_REACH = {"left": "已离开", "no_telegram": "没有 Telegram 账号（提醒发不到，请电话联系）",
                 "blocked": "屏蔽了机器人（提醒发不到，请电话联系）",
                 "not_opened": "还没打开过机器人（提醒发不到，请让对方先在 Telegram 里打开机器人）",
                 "reachable": "能收到提醒", "wecom": "能收到提醒（企业微信）",
                 "wecom_blocked": "企业微信发不到（账号不存在或不在应用可见范围，请电话联系）"}
# which way a contact's reminders go: WeCom when bound to a WeCom account, else Telegram
CONSOLE_COL_CHANNEL = "提醒渠道"
CONSOLE_CHANNELS = {"wecom": "企业微信", "telegram": "Telegram", "none": "无（请电话联系）"}
CONSOLE_WECOM_HELP = "企业微信通讯录里的账号（UserID）；填了就用企业微信发提醒。"
CONSOLE_UNREACHABLE_COUNT = "有 {count} 位联系人现在收不到提醒（见下表），请电话联系或让对方打开机器人。"
CONSOLE_MAINTENANCE = "数据维护"
CONSOLE_BACKUP = "立即备份"
CONSOLE_BACKUP_WHY = ("备份文件保存在服务器的备份目录里（{folder}），不能通过浏览器下载："
                      "数据库里有家庭的伤痛和健康信息，下载到办公电脑上就不再受服务器的保护。需要拷贝时请联系运维人员。")
CONSOLE_BACKUP_DONE = "已备份：{name}（{size}）。"
CONSOLE_BACKUP_FAILED = "备份没有成功（服务器的备份目录无法写入）。请联系运维人员。"
CONSOLE_RETENTION = "按保存期限清理"
CONSOLE_RETENTION_WHY = ("按设定的保存期限删除过期的数据：走访备注 {notes} 天后清空，未完成的对话 {dialogs} 天后删除，"
                         "已结束的提醒 {reminders} 天后删除，操作记录 {audit} 天后删除。走访记录本身保留，供检查使用。")
CONSOLE_RETENTION_DONE = ("已清理：走访备注 {visit_notes} 条，对话 {conversations} 条，"
                          "提醒 {reminders} 条，操作记录 {audit} 条。")
CONSOLE_FORGET = "删除这户家庭"
CONSOLE_FORGET_WHY = "将永久删除这户家庭及其分配、走访记录和提醒，无法恢复。请输入这户的代称“{alias}”以确认："
CONSOLE_FORGET_MISMATCH = "输入的代称和这户家庭的代称不一致，没有删除。"
CONSOLE_FORGOTTEN = "这户家庭及其分配、走访记录和提醒已永久删除。"
CONSOLE_UPLOAD_TOO_BIG = "文件太大了（超过 {limit}）。请把名单拆成几个文件分别导入。"
CONSOLE_UPLOAD_NOT_CSV = "这个文件不是 CSV 表格（可能是 Excel 文件或图片）。请在表格软件里“另存为 CSV UTF-8”后再导入。"
CONSOLE_STILL_MISSING = "这户还缺：{roles}。按本地的联系安排，这些角色的提醒现在没人收到。"
CONSOLE_ROLE_ANY = "至少一位联系人"
CONSOLE_GAPS = "缺少联系人角色的家庭"
CONSOLE_GAPS_NONE = "每户家庭都有本地联系安排所需的联系人。"
CONSOLE_STATUS = "数据库状况"
CONSOLE_STATUS_ROWS = {"size_bytes": "数据库大小", "families": "家庭数", "contacts": "联系人数",
                       "pending_reminders": "待完成的提醒", "escalated_reminders": "已上报的提醒",
                       "last_successful_send": "最近一次成功发送提醒", "last_reminder_round": "最近一次提醒轮次"}
# --- the console's inspection reports (/console/reports) -----------------------------------
REPORTS_TITLE = "检查用报表"
REPORTS_INTRO = "按季度的走访情况、逐户的节日走访、可打印的月报。每次查看报表都记入审计日志。"
REPORT_CITY = "城市"
REPORT_CHOOSE_CITY = "请选择城市"
REPORT_YEAR = "年份"
REPORT_QUARTER = "季度"
REPORT_MONTH = "月份"
REPORT_SHOW = "查看"
REPORT_BACK = "返回报表"
REPORT_PRINT = "打印"
REPORT_QUARTER_TITLE = "季度走访情况"
REPORT_FESTIVAL_TITLE = "节日走访（逐户）"
REPORT_MONTHLY_TITLE = "月度工作报表"
REPORT_BAD_YEAR = "年份请填 2000 到 2100 之间的四位数字，比如 2026。"
REPORT_BAD_QUARTER = "季度请选 1 到 4。"
REPORT_BAD_MONTH = "月份请按“2026-11”这样填写（四位年份、两位月份）。"
REPORT_BAD_CITY = "没有这个城市。请从列表里选择。"
REPORT_NOT_YOUR_CITY = "您只能查看本市（{city}）的报表。"
REPORT_NOT_BEGUN = "这个时间段还没有开始，没有可统计的内容。"
REPORT_NO_TOWNSHIP = "（未填乡镇）"
REPORT_TOTAL = "合计"
REPORT_COL_TOWNSHIP = "乡镇"
REPORT_COL_FAMILIES = "登记家庭"
REPORT_COL_VISITED = "上门走访户数"
REPORT_COL_CALLS = "电话回访次数"
REPORT_COL_COVERAGE = "覆盖率"
REPORT_QUARTER_N = "第{q}季度"
REPORT_YEAR_N = "{year}年"
REPORT_NOT_STARTED = "未开始"
REPORT_NOT_VISITED = "{year}年第{q}季度没有上门走访过的家庭（{n} 户）"
REPORT_ALL_VISITED = "这个季度每户都上门走访过了。"
REPORT_COL_ALIAS = "代称"
REPORT_COL_VILLAGE = "村"
REPORT_COL_CONTACTS = "联系人"
REPORT_CONTACT_LEFT = "（已离开）"
REPORT_NO_CONTACT = "未分配联系人"
REPORT_QUARTER_RULE = ("家庭数为名册中现有的家庭。“上门走访”指电话以外的各类走访（定期上门、节日、跟进、紧急），"
                       "结果为“没联系上”的不算走访过；电话回访按记录次数计。")
REPORT_FESTIVAL_DONE = "已走访 {day} {contact}"
REPORT_FESTIVAL_STATES = {"open": "待走访（窗口期内）", "missed": "未走访", "not_yet": "未到时间"}
REPORT_FESTIVAL_DAY = "{name}（{day}）"
REPORT_FESTIVAL_TOTALS = "按乡镇合计（已走访户数 / 应走访户数）"
REPORT_FESTIVAL_FAMILIES = "逐户情况"
REPORT_FESTIVAL_RULE = ("按本市联系安排（knowledge/schedules）要求的节日走访。为该节日提醒记录的走访算已完成；"
                        "节日前 {lead} 天到节后 14 天内的其他上门走访也算。"
                        "“应走访”是到报表生成时走访时间已开始的户数。")
REPORT_NO_FAMILIES = "这个城市的名册里还没有家庭。"
REPORT_MONTH_HEADING = "{city} {year}年{month}月 计划生育特殊家庭帮扶联系工作月报"
REPORT_BASIS = "联系安排的文件依据"
REPORT_BASIS_LINE = "{number}（{date}）{path}：“{quote}”"
REPORT_BASIS_DRAFT = "《{title}》（征求意见稿，无文号，未注明日期，不是正式生效的文件）{path}：“{quote}”"
REPORT_SCHEDULE_NOTE = "说明：{note}"
REPORT_FIGURES = "本月工作情况（按乡镇）"
REPORT_COL_VISITS_DUE = "应上门走访"
REPORT_COL_VISITS_DONE = "其中已完成"
REPORT_COL_VISITS_LOGGED = "本月记录的走访"
REPORT_COL_CALLS_DUE = "应电话回访"
REPORT_COL_CALLS_DONE = "其中已完成"
REPORT_COL_CALLS_LOGGED = "本月记录的电话"
REPORT_COL_OVERDUE = "逾期未完成的提醒"
REPORT_COL_ESCALATIONS = "上报次数"
REPORT_COL_URGENT_RAISED = "发起紧急走访"
REPORT_COL_URGENT_DONE = "紧急走访已完成"
REPORT_COL_UNDELIVERABLE = "收不到提醒的联系人"
REPORT_MONTH_RULE = ("“应”指本月到期的提醒（节日走访按每位联系人一条）；"
                     "“其中已完成”指这些提醒在{by}记录完成的；"
                     "“逾期未完成”为 {as_of} 前到期、{by}尚未完成的全部提醒；收不到提醒的联系人请电话联系。")
REPORT_BY_MONTH_END = "{as_of} 零点前"
REPORT_BY_NOW = "报表生成时"
REPORT_GENERATED = "生成时间：{at}（北京时间）；生成人：{by}"
REPORT_BY_USER = "用户 {user}（{role}）"
REPORT_ROLES = {"admin": "管理员", "staff": "工作人员"}

# --- the console under attack (tests/web/test_console_attacks.py) ----------------------------
CONSOLE_FORM_TOO_BIG = "提交的内容太多（超过 64 KB），没有保存。请返回名册页面重新操作。"
CONSOLE_URGENT_ALREADY = "今天已经为这户发起过紧急走访，负责的联系人会收到提醒，不会重复发送。"

# the office console's visit export (a spreadsheet for inspections): one heading per column
VISIT_EXPORT_HEADINGS = {"day": "日期", "jurisdiction": "城市", "alias": "家庭代称", "contact": "联系人",
                         "kind": "事项", "outcome": "情况", "notes": "备注", "follow_up_days": "几天后跟进"}

# the import's preview step: the file was checked, nothing is written until 确认导入
CONSOLE_PREVIEW_FAMILIES = "文件检查通过：将导入 {count} 户家庭。下面是前 {shown} 行，请核对后点“确认导入”。"
CONSOLE_PREVIEW_CONTACTS = "文件检查通过：将导入 {count} 位联系人。下面是前 {shown} 行，请核对后点“确认导入”。"
CONSOLE_CONFIRM_IMPORT = "确认导入"
CONSOLE_PREVIEW_COLUMNS = {"alias": "代称", "jurisdiction": "城市", "township": "乡镇", "village": "村",
                           "name": "姓名", "role": "角色", "telegram_id": "Telegram 编号",
                           "wecom_user_id": "企业微信账号"}

# --- the web's defences (bot/web/middleware.py): what a person sees when a request is refused
WEB_NOTICE_TITLE = "没能办理"
WEB_NOTICE_BACK = "回到首页"
WEB_BODY_TOO_BIG = "提交的内容太多了（超过 64 KB），没有处理。请回到上一页，少填一些再试。"
WEB_BODY_TOO_SLOW = "提交的内容很久都没有传完，连接已经断开。请检查网络后再试一次。"
WEB_FORM_NOT_READ = "这份表单没能读懂（可能不是从本网站的页面提交的）。请回到上一页重新操作。"
WEB_FORM_NO_FILES = "这个页面不收文件。请回到上一页，直接点页面上的按钮。"
WEB_METHOD_NOT_ALLOWED = "这个页面不能这样打开。请从首页进入。"
WEB_TOO_MANY = "您操作得太快了，请歇一会儿，{seconds} 秒后再试。不好意思。"
WEB_TOO_MANY_SIGN_IN = "登录链接试得太多了，请 {seconds} 秒后再试。如果链接打不开，请向管理员重新要一个。"

# the preview's headings are the columns' one Chinese name each, CONSOLE_FIELD_NAMES

# --- issue 23: the console's findings ------------------------------------------------------
# Headings a families or contacts CSV may use for each column besides its one name in
# CONSOLE_FIELD_NAMES (and the English code): what offices' own sheets are headed. Compared
# without spaces, case or full-width forms, so "TG 号" and "ＴＧ号" are 'TG号'.
CONSOLE_COLUMN_VARIANTS = {
    "alias": ("家庭代称", "化名", "户名", "家庭名称", "户主代称"),
    "jurisdiction": ("市", "地市", "所属城市", "所在城市", "城市名称", "所属市"),
    "township": ("乡镇（街道）", "乡镇街道", "街道", "乡镇名称", "所属乡镇", "镇"),
    "village": ("村（社区）", "村社区", "社区", "村居", "所属村", "村名"),
    "contact_note": ("备注", "联系说明", "联系方式备注", "说明"),
    "old_sick": ("老病", "年老体弱多病", "年老体弱", "体弱多病", "是否年老多病"),
    "lives_alone": ("是否独居", "独自居住", "一人居住", "独居老人"),
    "telegram_id": ("Telegram ID", "Telegram", "TG号", "TG账号", "TG ID", "电报号", "Telegram 编号"),
    "wecom_user_id": ("企业微信", "企业微信ID", "企业微信 UserID", "企微账号", "企微", "WeCom", "WeCom ID", "userid"),
    "name": ("联系人姓名", "名字", "联系人", "姓名（联系人）"),
    "role": ("职务", "身份", "联系人角色", "岗位", "类别"),
}
CONSOLE_COLUMN_ACCEPTED = "{name}（{variants}）"
CONSOLE_NONE = "无"
CONSOLE_PROBLEMS.update({
    "township_length": "乡镇最多 {limit} 个字（现在是 {length} 个字）。",
    "village_length": "村最多 {limit} 个字（现在是 {length} 个字）。",
})
CONSOLE_CLI_NOTHING_IMPORTED = "没有导入：{file} 里有 {count} 处问题（见上面）。"

# sign-in over plain http from another machine: the browser would drop the Secure cookie
CONSOLE_NEEDS_HTTPS = ("办公控制台必须用 https:// 开头的地址打开：用 http 打开时，浏览器不会记住登录，"
                       "进去后只会看到“请先登录”。这个登录链接还没有用掉，请把地址开头的 http:// 改成 https:// 再打开。"
                       "（只在内部测试机上，可以设置 WEB_CONSOLE_SECURE_COOKIE=false 允许用 http。）")

# 紧急走访 asks first: who gets what
CONSOLE_URGENT_CONFIRM_TITLE = "确认发起紧急走访"
CONSOLE_URGENT_CONFIRM_SAID = "将马上给“{alias}”（{city}{township}{village}）的下列联系人发送紧急走访提醒："
CONSOLE_URGENT_MESSAGE = "他们会在 Telegram 里收到：“{text}”"
CONSOLE_URGENT_WHO = "{name}（{role}）"
CONSOLE_URGENT_REACH = {"reachable": "会马上收到", "left": "已离开：提醒会上报给其上级或管理员",
                        "no_telegram": "没有 Telegram 账号：收不到，请电话联系",
                        "blocked": "屏蔽了机器人：收不到，会上报，请电话联系",
                        "not_opened": "还没打开过机器人：收不到，会上报，请电话联系"}
CONSOLE_URGENT_CONFIRM = "确认，马上发送"
CONSOLE_URGENT_CANCEL = "不发送，返回"
CONSOLE_URGENT_STALE = "这个确认页面是之前打开的，已经过期，没有发送。请回到这户家庭的页面重新点“紧急走访”。"

# a postponed reminder on the family timeline (it was sent; the contact chose a later day)
CONSOLE_STATE_POSTPONED = "已提醒，对方推迟到 {day} 再提醒"
CONSOLE_STATE_RESENDING = "已提醒过，马上重新发送"

# two admins editing the same family
CONSOLE_EDIT_CONFLICT = ("您修改的同时，另一位管理员已经保存了这户家庭的新信息。您的修改还没有保存。"
                         "请对比下面两个版本，选择保留哪一个。")
CONSOLE_CONFLICT_MINE = "您刚才填的"
CONSOLE_CONFLICT_THEIRS = "现在保存着的（另一位管理员改的）"
CONSOLE_CONFLICT_KEEP_MINE = "用我填的覆盖"
CONSOLE_CONFLICT_KEEP_THEIRS = "保留现在保存着的，不改了"
CONSOLE_CONFLICT_FIELD = "项目"
# --- issue 23: the desk says which city it answers for; hotlines as buttons; elder sizes ---
DESK_CITY_NOT_FOUND = "{city}的文件没有找到和“{query}”有关的条款。"
DESK_ELSEWHERE_HEADING = "下面是其他地方的文件（{cities}），不是{city}的规定，不能当作{city}的政策告诉来电人："
DESK_CITY_NO_KIND = "{city}的文件里没有“{kind}”这一项（和“各地对比”一致）。"
DESK_KIND_ELSEWHERE = "文件里有这一项的地方：{cities}。"
DESK_CITY_RELATED = "{city}文件里只是提到相关字词的条款（不是这一项）："
DESK_SEARCH_SUBMIT = "搜索"
DESK_DRAFT = "（征求意见稿，不是正式生效文件）"
PRINT_PAGE = "打印这一页"
CALL_LABELS = {"12356": "心理援助热线", "120": "急救", "110": "报警"}
CALL_BUTTON = "拨打 {number}"
CALLS_HEADING = "现在就可以打电话："
BIG_TEXT = "大字"
BIG_TEXT_HINT = "字再大一点（只在这台手机上记住）"
MONEY_HEADING = "每月能领的钱"
# --- issue 26: a city's own documents in the console (policy editors) ---
DOCS_TITLE = "本市政策文件"
DOCS_LINK = "本市政策文件"
DOCS_INTRO = ("在这里录入本市的政策文件，逐条核对程序草拟的待遇规则，再请另一位编辑发布。"
              "发布之前，群众问到本市时只会看到条文原文和“本市待遇规则尚在核对中”，不会看到金额。")
DOCS_EDITORS_ONLY = "这一页只有管理员和本市的政策编辑可以打开。如需开通，请联系管理员。"
DOCS_ADMINS_ONLY = "只有管理员可以开通或取消政策编辑。"
DOCS_NO_SUCH_DOCUMENT = "找不到这份文件（或不在您负责的城市）。"
DOCS_BACK = "返回文件列表"
DOCS_BACK_REVIEW = "返回核对页"
DOCS_BACK_CONSOLE = "返回办公台"
DOCS_LIST = "已录入的文件"
DOCS_NONE = "还没有录入任何文件。"
DOCS_COL_CITY = "城市和文件"
DOCS_COL_NUMBER = "文号"
DOCS_COL_DATES = "日期"
DOCS_COL_STATUS = "状态"
DOCS_COL_RULES = "待遇规则"
DOCS_NO_NUMBER = "（无文号）"
DOCS_NO_EXPIRY = "未写明"
DOCS_STATUS = {"in_force": "有效", "draft": "征求意见稿", "lapsed": "已失效", "repealed": "已废止"}
DOCS_REPLACED_BY = "（由{by}替代）"
DOCS_AMENDED_BY = "（部分内容已被{by}修改）"
DOCS_WAITS_TO_REPLACE = "待生效：核对发布并到施行日期后替代{old}（在此之前由{old}回答）"
DOCS_EXPIRING = "90天内到期，请及时确认是否有新文件"
DOCS_VERSION = "第 {version} 版在用"
DOCS_UNDER_REVIEW = "待核对"
DOCS_UNDER_REVIEW_LONG = "本市待遇规则尚在核对中（还没有发布，群众看不到金额）"
DOCS_HAS_DRAFT = "有草稿待核对"
DOCS_UPLOAD = "录入一份新文件"
DOCS_UPLOAD_HELP = ("支持文字文件（.txt）、Word 文件（.docx）和带文字的 PDF，不超过 {limit}。"
                    "扫描件（图片）读不出文字，请找到文件的电子版。")
DOCS_FIELD_FILE = "选择文件"
DOCS_FIELD_CITY = "城市（如 新城市）"
DOCS_FIELD_NUMBER = "文号"
DOCS_FIELD_ISSUED = "印发日期"
DOCS_FIELD_EFFECTIVE = "施行日期"
DOCS_FIELD_EXPIRES = "有效期至"
DOCS_EXPIRES_HELP = "文件没写可以不填：按规范性文件通常的期限，五年（试行两年）。"
DOCS_FIELD_DRAFT = "这是征求意见稿（不是正式生效的文件）"
DOCS_FIELD_REPLACES = "这份文件替代（废止）哪份文件"
DOCS_REPLACES_NONE = "不替代其他文件"
DOCS_UPLOAD_BUTTON = "录入文件"
DOCS_NOT_ADDED = "文件没有录入，请看下面的原因："
DOCS_CHOOSE_FILE = "请选择要录入的文件。"
DOCS_EMPTY_FILE = "这个文件是空的，请重新选择。"
DOCS_CITY_REQUIRED = "请填写这份文件适用的城市。"
DOCS_NOT_YOUR_CITY = "您只能录入自己负责的城市（{cities}）的文件。"
DOCS_DATE_REQUIRED = "请填写{name}。"
DOCS_BAD_DATE = "{name}的格式不对，请用日期选择框重新选择。"
DOCS_TOO_BIG = ("文件太大了（超过 {limit}），没有录入。政策文件一般只有几十 KB，"
                "请确认选的是文件正文，而不是扫描图片或压缩包。")
DOCS_ADDED = "文件已录入，群众现在可以查到它的条文。下面是程序草拟的待遇规则，请逐条核对。"
DOCS_EXPIRES_ASSUMED = ("有效期未填写：按规范性文件通常的期限（五年，标“试行”的两年）推定至 {date}。"
                        "如文件另有规定，请在下面“有效期和状态”里改正。")
DOCS_SUMMARY = ("程序从条文里草拟了 {rules} 条待遇金额；{to_review} 句写有金额但程序读不懂，请人工看一下；"
                "{set_aside} 个金额不是待遇（列在下面供参考）。")
DOCS_SUMMARY_NO_SCHEDULE = "文件里没有读出联系走访安排（谁联系、多久联系一次、节日慰问），需要人工安排。"
DOCS_SUMMARY_SCHEDULE = "联系走访安排：{problem}"
# the drafter's notes on a contact schedule, in plain words (keyed by how each note begins)
DOCS_SCHEDULE_PROBLEMS = {
    "没有读出联系人是谁": "没有读出每户的帮扶联系人是谁，请人工补上。",
    "没有一条安排发给志愿者": ("没有读出志愿者要做什么。联系走访提醒要写明志愿者的事，"
                               "补上之前这份安排不会用来提醒（待遇金额照常发布）。"),
}
DOCS_REFUSED_TITLE = "连心助手 · 本市政策文件（工作人员）"
DOCS_FORM_EXPIRED = "这个表单已失效，请返回文件页面重新操作。"
DOCS_FORM_TOO_BIG = "提交的内容太多（超过 64 KB），没有保存。请返回文件页面重新操作。"
DOCS_ALREADY_PUBLISHED = "已经发布了（第 {version} 版），不用再点。群众查询本市待遇时按这一版回答。"
DOCS_NO_SUCH_VERSION = "没有第 {version} 版。已发布的版本列在下面“已发布的版本”里，可以从那里下载。"
DOCS_BAD_VERSION = "版本号不对：请从下面“已发布的版本”里点“下载这一版”。"
DOCS_EDITORS = "政策编辑"
DOCS_EDITORS_HELP = "政策编辑可以录入、核对和发布本市的文件。请按用户编号开通或取消。"
DOCS_EDITOR_ROW = "用户 {user}：{city}"
DOCS_NO_EDITORS = "还没有开通任何政策编辑。"
DOCS_EDITOR_USER = "用户编号"
DOCS_EDITOR_GRANT = "开通"
DOCS_EDITOR_REVOKE = "取消"
DOCS_EDITOR_GRANTED = "已为用户 {user} 开通{city}的政策编辑。"
DOCS_EDITOR_REVOKED = "已取消用户 {user} 在{city}的政策编辑。"
DOCS_EDITOR_UNKNOWN = "没有这位工作人员（只能给办公台的工作人员或管理员开通），或者没有填城市。"
DOCS_REVIEW_TITLE = "核对待遇规则"
DOCS_ANSWERING = "现在按第 {version} 版回答群众"
DOCS_PREVIEW = "发布前预览：对几类家庭有什么变化"
DOCS_EXPORT = "下载现行版本（YAML）"
DOCS_EXPORT_VERSION = "下载这一版"
DOCS_DRAFT_HEADING = "草拟的规则（请逐条核对）"
DOCS_DRAFT_HELP = ("每条规则旁边是它所依据的原文（黄色标出的句子）。"
                   "对的点“接受”；金额或条件不对点“修改”；不是待遇的点“删除”。")
DOCS_SCOPE = "适用范围（扶助对象）"
DOCS_WHO = "适用于："
DOCS_IN_SCOPE = "（并且属于本文件的扶助对象）"
DOCS_AMOUNT = "金额："
DOCS_NO_AMOUNT = "文件没有写金额"
DOCS_NO_CONDITIONS = "没有另外的条件"
DOCS_CLAUSE = "原文（{path}）："
DOCS_QUOTE_MISSING = "引用的句子在条文里找不到：{quote}"
DOCS_DOUBT = "程序拿不准的地方："
DOCS_DOUBT_MARK = "【请核对】"
DOCS_DECISIONS = {"accepted": "已接受", "edited": "已修改", "rejected": "已删除"}
DOCS_ACCEPT = "接受"
DOCS_EDIT = "修改"
DOCS_REJECT = "删除"
DOCS_ADD_CONDITION = "添加条件"
DOCS_ADD_CONDITION_KIND = "再加一个条件"
DOCS_ADD_CONDITION_NUMBER = "数字（年龄或残疾等级）"
DOCS_ADDABLE = {"child_deceased": "独生子女死亡", "child_disabled": "独生子女残疾（数字填最轻到几级，如 3）",
                "mother_age": "女方年满多少周岁（数字填年龄）", "no_later_child": "之后未再生育或收养子女",
                "local_hukou": "夫妻至少一方是本地户籍", "both_hukou": "夫妻双方都是本地户籍"}
DOCS_TO_REVIEW = "程序读不懂的金额句子（请人工看一下，需要时用“修改”补上）"
DOCS_SET_ASIDE = "程序认为不是待遇的金额（供参考）"
DOCS_SCHEDULE = "草拟的联系走访安排"
DOCS_SCHEDULE_NONE = "文件里没有读出联系走访安排，需要人工安排。"
DOCS_SCHEDULE_ROLES = "每户的帮扶联系人：{roles}"
DOCS_SCHEDULE_EVERY = "{who}每 {days} 天{kind}一次"
DOCS_SCHEDULE_FESTIVAL = "{festival}前由{who}走访慰问"
DOCS_SCHEDULE_NO_VISITS = "文件没有写多久联系或走访一次，请按本地安排补上。"
DOCS_FESTIVALS = {"spring": "春节", "mid_autumn": "中秋节", "double_ninth": "重阳节"}
DOCS_PUBLISH_HEADING = "发布"
DOCS_PUBLISH_NOTE = "发布说明（可不填）"
DOCS_PUBLISH = "发布，让群众按这一版查询"
DOCS_PUBLISH_SAME_EDITOR = "您核对或修改过这份草稿，需要另一位编辑来发布（一人核对，另一人发布）。"
DOCS_PUBLISH_NOT_REVIEWED = "还没有人核对过这份草稿，请先逐条核对。"
DOCS_PUBLISH_UNDECIDED = "还有规则没有核对（见上面），全部核对后才能发布。"
DOCS_PUBLISHED = "已发布第 {version} 版。群众查询本市待遇时从现在起按这一版回答。"
DOCS_NO_DRAFT = "没有待发布的草稿（可能刚刚已由别人发布），请刷新页面查看。"
DOCS_NO_DRAFT_NOW = "现在没有草稿。要修改已发布的规则，请先点下面的按钮，以现行版本为底稿。"
DOCS_START_DRAFT = "以现行版本为底稿开始修改"
DOCS_STALE = "草稿已被别人修改，请刷新页面后再核对一遍。您这次的修改没有保存。"
DOCS_NO_SUCH_RULE = "找不到这条规则（可能刚被别人改过），请刷新页面。"
DOCS_VERSIONS = "已发布的版本"
DOCS_NO_VERSIONS = "还没有发布过。"
DOCS_VERSION_ROW = "第 {version} 版，{at} 由 {by} 发布"
DOCS_SHIPPED = "随程序发布"
DOCS_ANSWERING_NOW = "（正在使用）"
DOCS_RESTORE = "恢复使用这一版"
DOCS_RESTORED = "已恢复使用第 {version} 版。"
DOCS_NO_VERSION = "没有这一版。"
DOCS_IMPORT = "导入审核过的规则文件（YAML）"
DOCS_IMPORT_HELP = "技术人员通过 git 审核修改的规则文件，可以在这里导入为草稿，再由另一位编辑发布。"
DOCS_IMPORT_BUTTON = "导入为草稿"
DOCS_VALIDITY_HEADING = "有效期和状态"
DOCS_FIELD_AMENDED_BY = "已被哪份文件修改（文号或标题，没有就空着）"
DOCS_NO_EXPIRY_BOX = "文件没有写有效期"
DOCS_VALIDITY_SAVE = "保存有效期和状态"
DOCS_VALIDITY_SAVED = "已保存。家庭的回答和结果会按新的有效期和状态说明。"
DOCS_IMPORTED = "规则文件已导入为草稿，请另一位编辑核对后发布。"
DOCS_IMPORT_NOT_UTF8 = "规则文件不是 UTF-8 编码，没有导入。"
DOCS_IMPORT_TOO_BIG = "规则文件太大了（超过 1 MB），没有导入。"
DOCS_EDIT_TITLE = "修改规则"
DOCS_AMOUNT_LEGEND = "金额"
DOCS_AMOUNT_VALUE = "金额"
DOCS_AMOUNT_EMPTY = "文件没有写金额就空着。"
DOCS_YUAN = "元"
DOCS_PERIOD = "多久一次"
DOCS_PER = "按什么发"
DOCS_PERIODS = {"month": "每月", "year": "每年", "once": "一次性", "day": "每天"}
DOCS_PERS = {"person": "每人", "household": "每户", "child": "每个孩子"}
DOCS_CONDITIONS_LEGEND = "条件（都要符合）"
DOCS_CHILD = "孩子的情况"
DOCS_CHILD_CHOICES = {"": "不限", "deceased": "独生子女死亡", "disabled": "独生子女残疾",
                      "either": "独生子女死亡或残疾"}
DOCS_GRADE = "残疾等级（一级最重）："
DOCS_GRADE_FROM = "从"
DOCS_GRADE_TO = "到"
DOCS_ANY_GRADE = "不限"
DOCS_GRADES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
DOCS_MOTHER_AGE = "女方年满"
DOCS_YEARS = "周岁"
DOCS_MOTHER_AGE_HELP = "不限年龄就空着。"
DOCS_NO_LATER_CHILD = "之后未再生育或收养子女"
DOCS_HUKOU = "户籍"
DOCS_HUKOU_CHOICES = {"": "不限（本地户籍的家庭都适用）", "both": "夫妻双方都是本地户籍",
                      "one": "夫妻只有一方是本地户籍", "local": "夫妻至少一方是本地户籍"}
DOCS_OTHER_CONDITIONS = "下面这些条件表单里改不了，会原样保留；勾选的会去掉："
DOCS_DROP_CONDITION = "去掉：{condition}"
DOCS_BAD_AMOUNT = "金额请填数字（单位：元），例如 1430。"
DOCS_AMOUNT_RANGE = ("{period}的金额请填大于 0、不超过 {limit} 元的数（您填的是 {typed}）。"
                     "请核对是否多打或少打了零；文件没有写金额就空着。")
DOCS_AMOUNT_MISMATCH = "金额与原文不一致：原文写的是{figures}，这里是{amount}。请核对后再发布。"
DOCS_AMOUNT_NOT_IN_QUOTE = "金额与原文不一致：引用的原文里没有写金额，这里是{amount}。请核对后再发布。"
DOCS_BAD_GRADE = "残疾等级请在一级到四级之间选择，而且“从”不能比“到”大。"
DOCS_BAD_AGE = "年龄请填 1 到 120 之间的数字。"
DOCS_BAD_CHOICE = "请从列表里选择。"
DOCS_PREVIEW_HELP = ("下面是几类家庭按草稿和按现行第 {version} 版能领到的钱；"
                     "{count} 类家庭中有 {changed} 类有变化（标出的行）。")
DOCS_PREVIEW_HELP_FIRST = "这是本市的第一版，下面是几类家庭按草稿能领到的钱。"
DOCS_PREVIEW_FAMILY = "家庭"
DOCS_PREVIEW_DRAFT = "按草稿"
DOCS_PREVIEW_CURRENT = "按现行版本"
DOCS_PREVIEW_CHANGES = "变化"
DOCS_PREVIEW_NONE = "（还没有发布过）"
DOCS_PREVIEW_NOT_COVERED = "夫妻都不是本地户籍，不由本市负责"
DOCS_PREVIEW_NO_MONEY = "没有写明金额的待遇"
DOCS_PREVIEW_FIRST = "第一版：以前没有"
DOCS_PREVIEW_SAME = "没有变化"
DOCS_PREVIEW_MORE = "{period}多 {amount} 元"
DOCS_PREVIEW_LESS = "{period}少 {amount} 元"
DOCS_PREVIEW_NEW = "新增：{item}"
DOCS_PREVIEW_GONE = "不再有：{item}"
DOCS_PREVIEW_CHANGED = "{item}：由{before}改为{after}"
