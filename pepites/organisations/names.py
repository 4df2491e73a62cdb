"""Names compared as a person reads them: "Asso. Les Jardins d'Émile" and "LES JARDINS
D'EMILE" are the same name once normalised (case, accents, punctuation, legal-form words)."""

from __future__ import annotations

import re
import unicodedata

# Words that vary from one spelling of the same porteur to another without naming it.
IGNORED_WORDS = frozenset(
    {"association", "asso", "assoc", "l", "la", "le", "les", "d", "de", "du", "des", "et"}
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = [w for w in _NON_WORD.split(plain) if w and w not in IGNORED_WORDS]
    if not words:  # a name made only of ignored words stays itself
        words = [w for w in _NON_WORD.split(plain) if w]
    return " ".join(words)[:200]
