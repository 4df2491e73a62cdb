"""French text normalisation shared by documents and queries, and by both backends.

Folding (lowercase, accents and ligatures removed) and the French Snowball stemmer run in
Python for SQLite, whose FTS5 has no French stemmer; PostgreSQL stems with its own
`french` configuration (the same Snowball algorithm) after `unaccent`, and only takes the
parsed query words from here, so a hostile query never reaches either query language.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer

# Longest query read, and most words kept from it: a pasted page searches its beginning.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 8
# No French word is longer; anything longer is noise (or an attack) and is ignored.
MAX_WORD_LENGTH = 40
# Shortest word that typo correction looks at (shorter ones have too many neighbours).
MIN_CORRECTED_LENGTH = 4

_WORD = re.compile(r"\w+")  # on text without "_": letters and digits
_WORD_END = re.compile(r"\w+$")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})

# PostgreSQL's french.stop (the Snowball list), folded like the text it filters.
_FRENCH_STOP = """
au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi
mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes suis es
est sommes êtes sont serai seras sera serons serez seront serais serait serions seriez
seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez
soient fusse fusses fût fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus
ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez
auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez
aient eusse eusses eût eussions eussiez eussent
"""
# Frequent words the list above lacks.
_MORE_STOP = "les a cet cette dont leurs"


def fold(text: str) -> str:
    """Lowercase without accents nor ligatures: 'Œuvre Épicerie' -> 'oeuvre epicerie'."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return _COMBINING.sub("", text).lower()  # ('ℱ' decomposes to 'F')


def _raw_words(text: str) -> list[str]:
    """Lowercase words before folding (composed first, so an accent never splits a word)."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _WORD.findall(text.lower().replace("_", " "))


# Word caches: a corpus has few distinct words. Plain dicts emptied when full, rather than
# lru_cache, whose hundreds of thousands of linked entries slow down every garbage
# collection of the process (pauses of tens of milliseconds in a search).
CACHE_SIZE = 100_000
_FOLDED: dict[str, tuple[str, ...]] = {}
_STEMS: dict[str, str] = {}
_TERMS: dict[str, str] = {}


def _remember(cache: dict, key: str, value):
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _folded(raw_word: str) -> tuple[str, ...]:
    found = _FOLDED.get(raw_word)
    if found is None:
        found = (raw_word,) if raw_word.isascii() else tuple(_WORD.findall(fold(raw_word)))
        _remember(_FOLDED, raw_word, found)
    return found


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits; everything else separates)."""
    return [word for raw in _raw_words(text) for word in _folded(raw)]


STOPWORDS = frozenset(words(f"{_FRENCH_STOP} {_MORE_STOP}"))

_stemmer = snowballstemmer.stemmer("french")
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps state while it works


def stem(word: str) -> str:
    """French Snowball stem of a folded word.

    Words with digits are kept whole, as PostgreSQL's parser does.
    """
    found = _STEMS.get(word)
    if found is None:
        if word.isalpha():
            with _stemmer_lock:
                found = _stemmer.stemWord(word)
        else:
            found = word
        _remember(_STEMS, word, found)
    return found


def _new_terms(raw_word: str) -> str:
    terms = " ".join(
        stem(word)
        for word in _folded(raw_word)
        if word not in STOPWORDS and len(word) <= MAX_WORD_LENGTH
    )
    return _remember(_TERMS, raw_word, terms)


def document_terms(*texts: str) -> str:
    """What the SQLite index stores for some fields: their stems, separated by spaces.

    (A stopword leaves an empty string, hence a double space: the index ignores it.)
    """
    cache = _TERMS
    return " ".join(
        [cache[raw] if raw in cache else _new_terms(raw) for raw in _raw_words(" ".join(texts))]
    )


def lexicon_words(*texts: str) -> set[str]:
    """The words of names worth correcting a typo towards."""
    return {
        word
        for text in texts
        for word in words(text)
        if MIN_CORRECTED_LENGTH <= len(word) <= MAX_WORD_LENGTH and word.isalpha()
    }


def compound(text: str) -> str:
    """A name of several words as one word, stopwords left out ('Seine-Saint-Denis' ->
    'seinesaintdenis', "Val-d'Oise" -> 'valoise'): indexed this way, the name is found by
    all its words typed together (see compound_alternatives) and not by each of them alone."""
    return "".join(word for word in words(text) if word not in STOPWORDS)[:MAX_WORD_LENGTH]


@dataclass(frozen=True)
class QueryWord:
    """A folded query word and the forms it also matches (singular or plural)."""

    word: str
    forms: tuple[str, ...]

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(filter(None, map(stem, self.forms))))


def word_forms(word: str) -> tuple[str, ...]:
    # The Snowball stemmer keeps the -s after a vowel ('emplois' -> 'emplois' but
    # 'emploi' -> 'emploi'): also look for the other number.
    if word.isdigit() or len(word) <= 2:
        return (word,)
    if word[-1] in "sx" and len(word) > 3:
        return (word, word[:-1])
    return (word, word + "s")


def parse_query(query: object) -> list[QueryWord]:
    """The words of a user's query: never raises, whatever it holds ([] for nothing usable)."""
    if not isinstance(query, str):
        return []
    text = query[:MAX_QUERY_CHARS]
    if len(query) > MAX_QUERY_CHARS and query[MAX_QUERY_CHARS].isalnum():
        text = _WORD_END.sub("", text)  # a word cut in two is not searched
    kept: dict[str, QueryWord] = {}
    for word in words(text):
        if word in STOPWORDS or len(word) > MAX_WORD_LENGTH or word in kept or not stem(word):
            continue
        kept[word] = QueryWord(word=word, forms=word_forms(word))
        if len(kept) == MAX_QUERY_WORDS:
            break
    return list(kept.values())


# Names of several words searched whole (see compound): runs of this many query words, in
# queries of at most COMPOUND_MAX_QUERY words (a bound on the alternatives searched).
COMPOUND_RUN = (2, 4)
COMPOUND_MAX_QUERY = 6


def compound_alternatives(query_words: list[QueryWord]) -> list[list[QueryWord]]:
    """The query with a run of its words joined into one (see compound), each such way:
    "atelier seine saint denis" also searches "atelier seinesaintdenis"."""
    if len(query_words) > COMPOUND_MAX_QUERY:
        return []
    shortest, longest = COMPOUND_RUN
    alternatives = []
    for start in range(len(query_words)):
        for end in range(start + shortest, min(start + longest, len(query_words)) + 1):
            joined = "".join(word.word for word in query_words[start:end])[:MAX_WORD_LENGTH]
            alternatives.append(
                [
                    *query_words[:start],
                    QueryWord(word=joined, forms=(joined,)),
                    *query_words[end:],
                ]
            )
    return alternatives


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters costs 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def allowed_typos(word: str) -> int:
    """Edits a word may be away from its correction: none for short words and numbers."""
    if len(word) < MIN_CORRECTED_LENGTH or not word.isalpha():
        return 0
    return 1 if len(word) < 8 else 2


def best_correction(word: str, candidates: list[str]) -> str | None:
    """The candidate closest to `word` within its allowed typos (ties: alphabetical)."""
    limit = allowed_typos(word)
    if not limit:
        return None
    scored = sorted(
        (edit_distance(word, candidate, limit=limit), candidate)
        for candidate in candidates
        if candidate != word
    )
    if scored and scored[0][0] <= limit:
        return scored[0][1]
    return None
