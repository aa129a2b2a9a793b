"""User-facing Chinese for spoken messages (issue 22): the overview of what a city grants,
the reply to feelings, and the note that says which city's rule an answer used and why.

Warm, plain, short; "您家的情况", never "失独" to the user's face.
"""

# --- the overview of a city (dialogs/overview.py) ----------------------------------------
OVERVIEW_UNDER_REVIEW = ("{city}的待遇规则还在核对中，暂时不能替您算出能领哪些钱；"
                         "具体能领多少，请问当地卫生健康部门。")
OVERVIEW_HEAD = "{city}的文件（{number}，{date}）给计划生育特殊家庭的钱，先说最要紧的："
OVERVIEW_DATED = "{date}印发"
OVERVIEW_FOOT = "（以上金额依据{date}的文件所载；具体以当地卫生健康部门的解释为准）"
OVERVIEW_DRAFT_NUMBER = "征求意见稿，还不是正式文件"
OVERVIEW_SITUATION = {
    "deceased": "【孩子去世的家庭】",
    "disabled": "【孩子伤残的家庭】",
}
OVERVIEW_MONEY = "· {text}{conditions}（{cite}）"
OVERVIEW_NO_SUM = "· {title}（文件没有写具体金额，{cite}）"
OVERVIEW_CONDITIONS = "，条件：{conditions}"
OVERVIEW_NO_MONEY = "· 这份文件没有给这类家庭写明发钱的项目。"
OVERVIEW_SERVICES = "除了钱，还有这些帮助：{kinds}。"
OVERVIEW_SERVICE = "{kind}（{titles}{more}）"
OVERVIEW_MORE = "等"
OVERVIEW_OFFER = "想知道您家具体能领哪些、每月一共多少，可以让我问您几个简单的问题，帮您算一算。"
OVERVIEW_ASK_CITY = "每个地方给的不一样。请告诉我您家户口在哪个城市（{cities}），我把那里能领的钱和帮助一条条列给您。"
CATEGORY_WORDS = {
    "medical": "看病",
    "elderly_care": "养老",
    "housing": "住房",
    "care": "关怀走访",
    "social_assistance": "生活救助",
    "legal_aid": "法律援助",
    "employment": "就业",
    "education": "上学",
    "other": "其他",
}

# --- which city's rule, when a message names two (knowledge/places.py) -----------------
PLACE_NOTE = {
    "hukou": "您提到了{cities}。这些待遇跟着户口走，下面按您户口所在的{city}的文件回答。",
    "not_residence": ("您提到了{cities}。这些待遇跟着户口走，不看现在住哪里；下面按{city}的文件回答。"
                      "如果户口已经迁走，请告诉我户口在哪里。"),
    "ours": "您提到了{cities}。下面按您家所在的{city}的文件回答；{others}的规定不一定适用于您家。",
    "first": "您提到了{cities}。这些待遇跟着户口走，下面先按{city}的文件回答；如果户口在{others}，请告诉我。",
}
COUNTY_NOTE = "{place}属于{city}，下面按{city}的文件回答。"
PARENT_NOTE = ("{place}我们只有{district}的文件。下面按{district}的文件回答；户口在{place}其他区县的，这份文件不适用，"
               "请问户口所在地的乡镇（街道）卫生健康办公室。")
OUTSIDE_NOTE = "您提到的{place}，我们没有那里的文件。这些待遇一般按户口所在地办理，下面按{city}的文件回答。"
CITY_GRANTS_NONE = "{city}的文件里没有写您问的这一项。"
NOBODY_GRANTS = ("我们收录的五个地方的文件里都没有这一项。具体有没有别的政策，"
                 "可以问户口所在地的乡镇（街道）卫生健康办公室（计生办）。")
NEAR_NOTE = "您写的“{place}”，我按{city}来查；如果不是，请告诉我城市名。"

# --- a parent on their own: the other parent's age is the document's condition, never asked
ABSENT_PARENT_CONDITION = {
    "mother_age": ("文件写的孩子妈妈（女方）年龄条件在您家怎么算"
                   "（孩子妈妈不在了或不在一起的，文件没有写明，请向乡镇（街道）计生办确认）"),
    "father_age": ("文件写的孩子爸爸（男方）年龄条件在您家怎么算"
                   "（孩子爸爸不在了或不在一起的，文件没有写明，请向乡镇（街道）计生办确认）"),
}

# --- feelings without a question (dialogs/feelings.py) -----------------------------------
FEELING_WORDS = {
    "missing": "想孩子的心，谁也替不了。您愿意的话，可以跟我说说孩子，我听着。",
    "sleepless": "夜里睡不着，一个人醒着最难熬。您别一个人扛着。",
    "lonely": "一个人的日子不好过，冷冷清清的，换谁心里都空落落的。",
    "sad": "您心里的难受，我听到了。难过的时候，哭一哭也没关系。",
    "ill_alone": "病了身边没个人，最让人心里发慌。这种时候是可以找人帮忙的。",
    "angry": "您着急、生气，我明白：该发的钱拖着不到，谁都会上火。这不是您的错。",
}
FEELING_HOTLINE = "心里太难受的时候，可以打全国心理援助热线 12356，有专业的人陪您说说话。"
FEELING_HELP = {
    "missing": "文件里写了有专人做心理疏导、上门陪您说说话，下面是{city}的规定：",
    "sleepless": "文件里写了有专人做心理疏导、上门陪您说说话，下面是{city}的规定：",
    "sad": "文件里写了有专人做心理疏导、上门陪您说说话，下面是{city}的规定：",
    "lonely": "文件里写了联系人要上门看望、陪您说说话，下面是{city}的规定：",
    "ill_alone": "文件里写了生病有人照料、上门帮忙，下面是{city}的规定：",
    "angry": ("钱没按时到，可以先找给您家定的联系人，或者户口所在地乡镇（街道）的卫生健康办公室（计生办）"
              "问清楚卡在哪一步。{city}的文件里写了联系人该帮您办这些事："),
}
FEELING_ASK_CITY = "您家户口在哪个城市？告诉我，我把那里对您这样的家庭有哪些关心和帮助找给您。"
FEELING_ANGRY_WHOM = ("钱没按时到，可以先找给您家定的联系人，或者户口所在地乡镇（街道）的卫生健康办公室（计生办）"
                      "问清楚卡在哪一步。")
FEELING_BEFORE_ANSWER = "您说的这些，我都听到了。下面先回答您问的事："
