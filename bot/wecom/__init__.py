"""Reminders to contacts through a WeCom (企业微信) app: the API client (`api`: the access
token shared through storage, error codes), the card and the Sender the reminder loop uses
(`sender`), the `/wecom` callback that records a button press (`callback`), and the loop of
`python -m bot web` when WeCom is the only channel (`runner`)."""
