"""The registry's operations, one layer for every way in: the admin CLI (`bot.admin_cli`),
the office console (`bot.web.office*`) and the Telegram admin commands (`bot.telegram.admin`,
`bot.telegram.care`) call these functions and only word their outcome.

- `registry`: add and edit families and contacts, assign and unassign, supervisors, a contact
  leaving, forgetting a family: each with the checks the families / contacts CSV applies;
- `imports`: a families or contacts CSV decoded, previewed (nothing written) and committed;
- `maintenance`: backup, retention, the visit log's export;
- `access`: who may sign in to the office console, its sign-in links, giving a role;
- `refusals`: `Refused`, which carries a `Problem` (a code, the English line, its parameters)
  so each caller says it in its own words (the CLI one English + Chinese line, the console
  the Chinese sentence, Telegram its own message), and `EditConflict`.

Nothing here imports a channel (`bot.admin_cli`, `bot.cli`, `bot.web`, `bot.telegram`):
`tests/test_import_graph.py` holds that."""
