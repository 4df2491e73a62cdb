"""Contributions from the public: proposals of new initiatives and corrections of published
ones, their routing to a centre, their moderation, and the likely duplicates shown to the
moderator.

Nothing of a proposal is public until a moderator accepts it: accepting goes through the
initiatives services (validation, optimistic locking, history).

- `submission`: what a visitor may send, its checks, and `submit_proposal` (routing, rate limit).
- `moderation`: accept, merge or reject a pending proposal.
- `selectors`: the reads of the moderators' pages.
- `duplicates`: the initiatives a proposal may repeat.
- `emails`: the messages to the proposer and the moderators.
"""
