"""The Telegram adapter (python-telegram-bot v22): thin handlers over `dialogs` and `storage`."""
