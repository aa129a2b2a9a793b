"""The callback security of WeChat Service Accounts and WeCom apps (one scheme, two platforms).

Written here rather than taken from wechatpy: that package's crypto is synchronous glue
around the same few lines, and we need them small, typed and tested. The formats follow
the official "message encryption" documents (the same as wechatpy's `WeChatCrypto`):

- URL signature: SHA-1 of the sorted (token, timestamp, nonce) joined, hex;
- message signature (safe mode, and every WeCom callback): SHA-1 of the sorted
  (token, timestamp, nonce, ciphertext) joined;
- the key is base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with the key's first 16
  bytes as IV; PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes, the
  message length (4 bytes, big-endian), the message, then the receiver id (the AppID of a
  Service Account, the corp id of WeCom), which is checked after decryption.

Signatures are compared in constant time; a timestamp more than five minutes from now is
refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAX_SKEW_SECONDS = 300
BLOCK = 32


class CallbackRefused(Exception):
    """The request is not from the platform (bad or stale signature, wrong receiver, garbled
    ciphertext): answered 403 and nothing is processed. The message names the reason only."""


def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_timestamp(timestamp: str, now: float | None = None) -> None:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise CallbackRefused("bad timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_SECONDS:
        raise CallbackRefused("stale timestamp")


def check_url_signature(token: str, signature: str, timestamp: str, nonce: str, now: float | None = None) -> None:
    """The plain-mode signature a Service Account sends on every request (GET check and POST)."""
    check_timestamp(timestamp, now)
    if not hmac.compare_digest(sha1_signature(token, timestamp, nonce).encode(), signature.encode()):
        raise CallbackRefused("bad signature")


def aes_key(encoding_aes_key: str) -> bytes:
    """The 43-character EncodingAESKey as the 32-byte AES key; ValueError if it is not one."""
    if len(encoding_aes_key) != 43:
        raise ValueError("must be the 43-character EncodingAESKey")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("must be the 43-character EncodingAESKey") from None
    if len(key) != 32:
        raise ValueError("must be the 43-character EncodingAESKey")
    return key


class MessageCrypto:
    """Encrypt and decrypt callback bodies for one receiver (a Service Account's AppID or a
    WeCom corp id)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id.encode()

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: bytes, random16: bytes | None = None) -> str:
        body = (random16 or os.urandom(16)) + struct.pack(">I", len(message)) + message + self.receive_id
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()

    def decrypt(self, ciphertext: str) -> bytes:
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError):
            raise CallbackRefused("ciphertext is not base64") from None
        if not raw or len(raw) % 16:
            raise CallbackRefused("ciphertext length")
        decryptor = self._cipher().decryptor()
        body = decryptor.update(raw) + decryptor.finalize()
        pad = body[-1]
        if not 1 <= pad <= BLOCK or body[-pad:] != bytes([pad]) * pad:
            raise CallbackRefused("bad padding")
        body = body[:-pad]
        if len(body) < 20:
            raise CallbackRefused("too short")
        (length,) = struct.unpack(">I", body[16:20])
        message, receiver = body[20:20 + length], body[20 + length:]
        if len(message) != length or not hmac.compare_digest(receiver, self.receive_id):
            raise CallbackRefused("wrong receiver")
        return message

    def check_and_decrypt(self, msg_signature: str, timestamp: str, nonce: str, ciphertext: str,
                          now: float | None = None) -> bytes:
        check_timestamp(timestamp, now)
        expected = sha1_signature(self.token, timestamp, nonce, ciphertext)
        if not hmac.compare_digest(expected.encode(), msg_signature.encode()):
            raise CallbackRefused("bad msg_signature")
        return self.decrypt(ciphertext)

    def encrypted_reply(self, xml: str, nonce: str, timestamp: str | None = None) -> str:
        """A passive reply in safe mode: the reply XML encrypted and signed."""
        stamp = timestamp or str(int(time.time()))
        encrypted = self.encrypt(xml.encode())
        signature = sha1_signature(self.token, stamp, nonce, encrypted)
        return (f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature><![CDATA[{signature}]]>"
                f"</MsgSignature><TimeStamp>{stamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>")
