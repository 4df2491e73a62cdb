"""The yearly check-in by the porteur: a private link sent by e-mail (no account) to confirm
the initiative still runs, say it stopped, or propose changes and the year's figures.

- `models`: the links (`CheckinLink`), each with a hashed random secret, a purpose, an
  expiry, and once used or revoked, never usable again;
- `links`: making and reading the signed link;
- `services`: sending (the periodic job, a resend by the centre) and the porteur's answer
  (a confirmation updates `last_checked_at`; anything else is a correction to moderate);
- `selectors`: who answered, who did not, for the centres' workspace.
"""
