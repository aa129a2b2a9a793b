"""Feelings: anger at a late payment is heard, and shown whom to ask (issue 22)."""

from dialogs.feelings import feelings_reply


def test_anger_at_a_late_payment_is_shown_the_familys_own_contact_people():
    reply = feelings_reply("安康的，失独那个钱这三个月都没到账，打电话去镇上问，一会说是县上的事，说话不算话")
    assert reply is not None and reply.kind == "angry"
    assert reply.search_query is not None and "联系制度" in reply.search_query
    late = feelings_reply("开封的，特扶金这个季度又没按时到，俺们就指望这点钱过日子")
    assert late is not None and late.kind == "angry"
