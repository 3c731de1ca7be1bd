"""Text heuristics that decide Title / NarrativeText / ListItem / ... for a block of text.

They imitate the open-source library's ``partition/text_type.py`` (``element_from_text``): the same
checks in the same order, with the same thresholds. The library leans on NLTK (sentence and word
tokenizers, a POS tagger to find a verb); we use regexes and a verb lexicon instead, which agree
with it on ordinary prose and need no download.
"""

from __future__ import annotations

import re

# -- patterns ---------------------------------------------------------------------------------

_BULLETS = (
    "\u2022\u2023\u2043\u204c\u204d\u2219\u25cb\u25cf\u25d8\u25e6\u2619\u2765\u2767\u29be\u29bf"
    "\u00b7\u25aa\u25a0\u25a1\u25ba\u25b6\u2023\u27a2\u27a4\u2713\u2714\u2717\u2794\u2192\uf0b7\uf0a7\uf076\u2013\u2014"
)
# A bullet glyph followed by whitespace; "-" and "*" only when followed by a space (so "-5" is not a bullet).
BULLET_RE = re.compile(rf"^\s*(?:[{_BULLETS}]|[-*+](?=\s))\s*")
# "1." "1)" "(1)" "a." "iv)" followed by a space and text.
NUMBERED_RE = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])\s+(?=\S)")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
US_CITY_STATE_ZIP_RE = re.compile(
    r"^[A-Z][A-Za-z .'\-]+,\s*(?:[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?),?\s+\d{5}(?:-\d{4})?$"
)
# Sentence ends: punctuation then space then something that can start a sentence.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9\u00c0-\u00de])")
_WORD_TOKENS = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_PUNCT = re.compile(r"[^\w\s]")

# Verbs a POS tagger would tag VB*: auxiliaries, modals and frequent irregular forms (English),
# plus auxiliaries of the other detected languages (the library's tagger is English-only, but it
# tags many foreign verbs as verbs by shape; the lexicon keeps French/German/Spanish prose narrative).
_VERBS_ENG = frozenset(
    """
    is are was were be been being am isn't aren't wasn't weren't has have had having hasn't haven't
    do does did done doing don't doesn't didn't will would shall should can could may might must
    won't wouldn't can't cannot couldn't shouldn't go goes went gone make makes made take takes took
    taken get gets got gotten see sees saw seen know knows knew known say says said think thinks
    thought come comes came give gives gave given find finds found tell tells told become becomes
    became show shows shown leave leaves left feel feels felt put puts bring brings brought begin
    begins began begun keep keeps kept hold holds held write writes wrote written stand stands stood
    hear hears heard let lets mean means meant set sets meet meets met run runs ran pay pays paid sit
    sits sat speak speaks spoke spoken lead leads led read reads grow grows grew grown lose loses
    lost fall falls fell fallen send sends sent build builds built understand understands understood
    draw draws drew drawn break breaks broke broken spend spends spent cut cuts rise rises rose risen
    drive drives drove driven buy buys bought wear wears wore worn choose chooses chose chosen seek
    seeks sought throw throws threw thrown catch catches caught deal deals dealt win wins won sell
    sells sold use uses need needs want wants help helps allow allows contain contains include
    includes provide provides remain remains increase increases work works look looks seem seems
    try tries call calls ask asks turn turns move moves live lives believe believes happen happens
    create creates consider considers appear appears offer offers expect expects report reports
    describe describes require requires explain explains continue continues learn learns change
    changes follow follows stop stops add adds lie lies sent
    """.split()
)
_VERBS_OTHER = {
    "fra": frozenset(
        "est sont était étaient a ont avait avaient sera seront serait fut fait font peut peuvent doit "
        "doivent été être avoir va vont prévoit reste restent".split()
    ),
    "deu": frozenset(
        "ist sind war waren hat haben hatte hatten wird werden wurde wurden kann können muss müssen "
        "soll sollen gibt geht macht".split()
    ),
    "spa": frozenset(
        "es son está están era eran fue fueron ha han había hay tiene tienen puede pueden será hace "
        "hacen debe deben".split()
    ),
    "ita": frozenset("è sono era erano ha hanno aveva può possono deve fa stato sarà".split()),
    "por": frozenset("é são está estão era eram foi foram tem têm pode podem deve faz será".split()),
    "nld": frozenset("is zijn was waren heeft hebben had wordt worden werd kan kunnen moet zal".split()),
}
_VERB_SUFFIX = re.compile(r"^[a-z]{3,}(?:ed|ing)$")
_FOREIGN_PARTICIPLE = re.compile(r"^[a-zà-ÿ]{3,}(?:é|ée|és|ées|iert|ado|ido|ato|uto)$")


# -- primitives -------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Split text into sentences (NLTK-punkt-like on ordinary prose)."""
    return [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def sentence_count(text: str, min_length: int | None = None) -> int:
    """Number of sentences with at least ``min_length`` words (punctuation removed)."""
    count = 0
    for sentence in sentences(text):
        if min_length:
            words = _PUNCT.sub("", sentence).split()
            if len(words) < min_length:
                continue
        count += 1
    return count


def under_non_alpha_ratio(text: str, threshold: float = 0.5) -> bool:
    """True when fewer than ``threshold`` of the non-space characters are letters."""
    total = alpha = 0
    for char in text:
        if not char.isspace():
            total += 1
            if char.isalpha():
                alpha += 1
    return total > 0 and alpha / total < threshold


def exceeds_cap_ratio(text: str, threshold: float = 0.5) -> bool:
    """True when a single-sentence text has more than ``threshold`` capitalized tokens."""
    if sentence_count(text, 3) > 1 or text.isupper():
        return False
    tokens = _WORD_TOKENS.findall(text)
    if not tokens:
        return False
    capitalized = sum(1 for t in tokens if t.istitle() or t.isupper())
    return capitalized / len(tokens) > threshold


def contains_verb(text: str, language: str = "eng") -> bool:
    """Whether the text has a word a POS tagger would call a verb (lexicon + suffix shapes)."""
    other = _VERBS_OTHER.get(language)
    for token in _WORD_TOKENS.findall(text.lower()):
        if token in _VERBS_ENG or _VERB_SUFFIX.match(token):
            return True
        if other is not None and (token in other or _FOREIGN_PARTICIPLE.match(token)):
            return True
    return False


# -- the library's checks ---------------------------------------------------------------------


def is_possible_narrative_text(text: str, language: str = "eng") -> bool:
    if not text or text.isnumeric():
        return False
    if exceeds_cap_ratio(text):
        return False
    if under_non_alpha_ratio(text):
        return False
    if sentence_count(text, 3) < 2 and not contains_verb(text, language):
        return False
    return True


def is_possible_title(text: str, title_max_word_length: int = 12) -> bool:
    if not text:
        return False
    if len(text.split(" ")) > title_max_word_length:
        return False
    if under_non_alpha_ratio(text):
        return False
    if text.endswith(","):
        return False
    if text.isnumeric():
        return False
    if sentence_count(text, 5) > 1:
        return False
    return True


def is_bulleted(text: str) -> bool:
    return BULLET_RE.match(text) is not None and bool(BULLET_RE.sub("", text, count=1).strip())


def clean_bullet(text: str) -> str:
    return BULLET_RE.sub("", text, count=1).strip()


def classify(text: str, language: str = "eng", *, allow_list: bool = True) -> tuple[str, str]:
    """Return ``(type, text)`` for a block of text, the way ``element_from_text`` does.

    Bulleted text becomes a ListItem with the bullet removed; then EmailAddress, Address,
    NarrativeText, Title, and UncategorizedText for what is none of these (numbers, codes, ...).
    """
    if allow_list and is_bulleted(text):
        return "ListItem", clean_bullet(text)
    if len(text) < 255 and EMAIL_RE.match(text):
        return "EmailAddress", text
    if len(text) < 120 and US_CITY_STATE_ZIP_RE.match(text):
        return "Address", text
    if is_possible_narrative_text(text, language):
        return "NarrativeText", text
    if is_possible_title(text):
        return "Title", text
    return "UncategorizedText", text
