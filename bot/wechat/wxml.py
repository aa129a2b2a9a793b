"""The XML of WeChat and WeCom callbacks: read with defusedxml (no DTDs, no entities, a size
limit before parsing), written with CDATA that cannot be broken out of."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MAX_BODY_BYTES = 64_000  # a text message is at most a few KB; anything larger is refused unread


class BadXml(ValueError):
    """Not a callback body we accept (too large, not XML, DTD or entities)."""


def parse(body: bytes) -> dict[str, str]:
    """The flat fields of a callback body (ToUserName, MsgType, Content, Encrypt, ...)."""
    if len(body) > MAX_BODY_BYTES:
        raise BadXml("body too large")
    try:
        root: Element = ElementTree.fromstring(body, forbid_dtd=True, forbid_entities=True,
                                               forbid_external=True)
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise BadXml(type(exc).__name__) from None
    if root.tag != "xml":
        raise BadXml("root is not <xml>")
    return {child.tag: (child.text or "") for child in root if len(child) == 0}


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, content: str, created: int) -> str:
    """A passive text reply (sent back in the HTTP response to the person's message)."""
    return (f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{cdata(content)}</Content></xml>")
