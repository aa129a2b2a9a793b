"""Documents for the library tests (the CLI, the service and the console share them): Kaifeng's
text under another name (新城市), so its places do not collide with the shipped Kaifeng, its
reviewed rules renamed to match, and a short document with no money sentence."""

from __future__ import annotations

from importlib import resources


def new_city_text() -> str:
    raw = resources.files("knowledge").joinpath("sources", "kaifeng.txt").read_text(encoding="utf-8")
    return raw.replace("开封市", "新城市").replace("开封", "新城").replace("汴政办", "新政办")


def as_new_city(yaml_text: str, code: str = "xincheng") -> str:
    """Kaifeng's reviewed rules with the new code (ids, clause references, jurisdiction)."""
    return (yaml_text.replace("kaifeng.", f"{code}.").replace("kaifeng/", f"{code}/")
            .replace("jurisdiction: kaifeng", f"jurisdiction: {code}").replace("开封", "新城"))


def no_money_text(dated: str = "2026年11月1日") -> str:
    """A real-looking notice about contact work and counselling, with no sum in it."""
    return "\n\n".join([
        "新城市关于做好计划生育特殊家庭关怀工作的通知", "各县区人民政府，市直有关部门：",
        "为进一步做好计划生育特殊家庭关怀工作，让特殊家庭感受到党和政府的温暖，经市政府同意，现就有关事项通知如下。",
        "一、建立联系人制度",
        "各地要为计划生育特殊家庭确定联系人，由乡镇（街道）干部和村（社区）干部担任，定期上门走访慰问，"
        "了解家庭生产生活情况，帮助解决实际困难，做到有需求及时响应。",
        "二、做好心理疏导",
        "组织社会工作者和志愿者开展心理慰藉服务，对情绪低落、生活孤独的特殊家庭成员，开展经常性的陪伴和心理疏导，"
        "必要时转介专业心理咨询机构。",
        "三、加强组织保障", "各县区要把特殊家庭关怀工作列入重要议事日程，明确责任分工，抓好工作落实。",
        "新城市人民政府办公室", dated])
