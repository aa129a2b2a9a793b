"""The callback crypto against WeChat's own published sample (the official WXBizMsgCrypt
test vector), and what a forger or replayer gets."""

from __future__ import annotations

import pytest

from bot.wechat.crypto import CallbackRefused, MessageCrypto, aes_key, check_url_signature, sha1_signature
from bot.wechat.wxml import BadXml, cdata, parse, text_reply

# WeChat's published sample for message encryption (token, key, AppID, signature, ciphertext)
TOKEN = "spamtest"
KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
TIMESTAMP = "1409735669"
NONCE = "1320562132"
MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
CIPHERTEXT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2L"
    "dJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux"
    "5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpX"
    "gCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9G"
    "hglF2PE=")
AT_SAMPLE_TIME = 1409735669.0


def test_official_sample_decrypts_to_the_published_message() -> None:
    crypto = MessageCrypto(TOKEN, KEY, APPID)
    xml = crypto.check_and_decrypt(MSG_SIGNATURE, TIMESTAMP, NONCE, CIPHERTEXT, now=AT_SAMPLE_TIME)
    fields = parse(xml)
    assert fields["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert (fields["MsgType"], fields["Content"], fields["MsgId"]) == ("text", "abcdteT", "6054768590064713728")


def test_wrong_appid_signature_or_stale_time_is_refused() -> None:
    with pytest.raises(CallbackRefused, match="receiver"):
        MessageCrypto(TOKEN, KEY, "wx0000000000000000").check_and_decrypt(
            MSG_SIGNATURE, TIMESTAMP, NONCE, CIPHERTEXT, now=AT_SAMPLE_TIME)
    crypto = MessageCrypto(TOKEN, KEY, APPID)
    with pytest.raises(CallbackRefused, match="signature"):
        crypto.check_and_decrypt("0" * 40, TIMESTAMP, NONCE, CIPHERTEXT, now=AT_SAMPLE_TIME)
    with pytest.raises(CallbackRefused, match="stale"):  # the same request six minutes later
        crypto.check_and_decrypt(MSG_SIGNATURE, TIMESTAMP, NONCE, CIPHERTEXT, now=AT_SAMPLE_TIME + 360)
    with pytest.raises(CallbackRefused):
        crypto.decrypt("not base64 at all!")
    with pytest.raises(CallbackRefused):
        crypto.decrypt(CIPHERTEXT[:-8] + "AAAAAAA=")  # a flipped last block breaks the padding or receiver


def test_round_trip_and_signed_reply() -> None:
    crypto = MessageCrypto(TOKEN, KEY, APPID)
    message = "<xml><Content><![CDATA[开封一个月能领多少钱]]></Content></xml>".encode()
    assert crypto.decrypt(crypto.encrypt(message)) == message
    reply = parse(crypto.encrypted_reply("<xml><Content>好</Content></xml>", NONCE, TIMESTAMP).encode())
    assert reply["MsgSignature"] == sha1_signature(TOKEN, TIMESTAMP, NONCE, reply["Encrypt"])
    assert crypto.decrypt(reply["Encrypt"]) == "<xml><Content>好</Content></xml>".encode()


def test_url_signature() -> None:
    good = sha1_signature(TOKEN, TIMESTAMP, NONCE)
    check_url_signature(TOKEN, good, TIMESTAMP, NONCE, now=AT_SAMPLE_TIME)
    with pytest.raises(CallbackRefused):
        check_url_signature(TOKEN, good.upper(), TIMESTAMP, NONCE, now=AT_SAMPLE_TIME)
    with pytest.raises(CallbackRefused):
        check_url_signature(TOKEN, good, "١٤٠٩٧٣٥٦٦٩", NONCE, now=AT_SAMPLE_TIME)  # Arabic-Indic digits


def test_key_must_be_43_characters() -> None:
    with pytest.raises(ValueError):
        aes_key(KEY[:-1])
    with pytest.raises(ValueError):
        aes_key("!" * 43)


def test_xml_refuses_entities_dtd_and_size() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><C>&b;</C></xml>'
    for body in (bomb, b"<xml><C>x</C>", b"\x00\xff binary", b"<html/>", b"<xml>" + b"a" * 70_000 + b"</xml>"):
        with pytest.raises(BadXml):
            parse(body)


def test_cdata_cannot_be_broken_out_of() -> None:
    xml = text_reply("user", "gh", "看]]><MsgType>news</MsgType>", 1)
    fields = parse(xml.encode())
    assert fields["Content"] == "看]]><MsgType>news</MsgType>"
    assert fields["MsgType"] == "text"
    assert cdata("a") == "<![CDATA[a]]>"
