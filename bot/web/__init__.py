"""The web side of 连心助手: a phone page for families, a desk console for hotline staff and
a JSON API for other systems, in one ASGI application (`bot.web.app.create_app`) that the
Telegram webhook shares in webhook mode. Everything it says comes from `dialogs/`, every
answer from `knowledge/`; the web adds only transport."""
