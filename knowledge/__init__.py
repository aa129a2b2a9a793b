"""What the five policy documents say: sources, cleaning, clause tree, search and rules.

Nothing in this package knows about Telegram or the terminal; `dialogs/` and `bot/` call it.
"""
