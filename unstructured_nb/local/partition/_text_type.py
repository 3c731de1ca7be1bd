"""Text heuristics that decide Title / NarrativeText / ListItem / ... for a block of text.

They imitate the open-source library's ``partition/text_type.py`` (``element_from_text``): the same
checks in the same order, with the same thresholds. The library leans on NLTK (sentence and word
tokenizers, a POS tagger to find a verb); we use regexes and a verb lexicon instead, which agree
with it on ordinary prose and need no download.
"""

from __future__ import annotations

import operator
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
# the library's NUMBERED_LIST_PATTERN: "1. text" or "1) text" (the text keeps its number)
LIBRARY_NUMBERED_RE = re.compile(r"^\d+(\.|\))\s(.+)")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
US_CITY_STATE_ZIP_RE = re.compile(r"^[A-Z][A-Za-z .'\-]+,\s*(?:[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?),?\s+\d{5}(?:-\d{4})?$")
# Sentence ends: punctuation then space then something that can start a sentence.
# (capitals of the Latin, Greek and Cyrillic scripts: a Russian sentence starts a sentence too)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[«„]?[A-Z0-9\u00c0-\u00de\u0391-\u03a9\u0400-\u042f])")
_WORD_TOKENS = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_PUNCT = re.compile(r"[^\w\s]")

# Verbs a POS tagger would tag VB*, in three tiers (the library finds a verb with NLTK's tagger).
# Unambiguous verb forms: auxiliaries, modals, irregular past forms. Always count.
_VERBS_CORE = frozenset(
    """
    is are was were be been being am isn't aren't wasn't weren't has have had having hasn't haven't
    do does did done doing don't doesn't didn't here's there's it's that's what's who's he's she's
    where's let's went gone took taken saw seen knew known said
    thought came gave given found told became shown brought began begun kept held wrote written stood
    heard meant met ran paid sat spoke spoken led grew grown lost fell fallen sent built understood
    drew drawn broke broken spent rose risen drove driven bought wore worn chose chosen sought threw
    thrown caught dealt won sold got gotten made says goes seems
    """.split()
)
# Frequent verbs whose base and -s forms are also nouns ("report", "results"): they count only in
# text of four words or more, where a tagger would read them as verbs; short phrases like
# "Quarterly Results" stay titles.
_VERB_BASES = """
    accept achieve acquire act adapt add address adjust affect agree aim allow analyze announce answer
    appear apply approve argue arrange arrive ask assess assign assist assume attach attempt attend
    avoid base become believe belong benefit bring build buy calculate call cancel capture care carry
    catch cause change charge check choose claim clean close collect combine come compare complete
    compute confirm connect consider consist contain continue contribute control convert cost count
    cover create cut deal decide decline define deliver demonstrate depend describe design detect
    determine develop differ discuss display draw drive drop earn ease enable encourage end enhance
    ensure enter establish estimate evaluate exceed exist expand expect experience explain explore
    express extend extract face fail fall feature feel fill find finish fit fix focus follow force
    form generate get give go grow guide handle happen hear help highlight hire hold identify
    implement improve include increase indicate influence inform install intend introduce invest
    involve issue join keep know lack last launch lead learn leave let lie like limit link list live
    load look lose maintain make manage mark match matter mean measure meet mention miss monitor move
    need note notice obtain occur offer open operate order outline own participate pass pay perform
    permit place plan play point prefer prepare present prevent process produce promote protect prove
    provide publish pull purchase push put raise reach read realize receive recommend record reduce
    reflect refer regard relate release rely remain remember remove replace report represent require
    resolve respond rest result return reveal review rise run save say see seek seem sell send serve
    set share ship show sign sit solve speak spend stand start state stay stop store struggle submit
    succeed suggest supply support survive take talk target teach tell tend test thank think throw
    track train transfer treat trigger try turn understand update use validate value vary view visit
    wait walk want watch wear win wish work write
    click edit select download upload delete insert paste drag browse scroll modify rename configure
    customize execute
"""


def _third_person(base: str) -> str:
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


_VERBS_REGULAR = frozenset(f for base in _VERB_BASES.split() for f in (base, _third_person(base)))

# Auxiliaries of the other detected languages: the library's tagger is English-only but tags many
# foreign verbs as verbs by shape; these keep French/German/Spanish/... prose narrative.
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
        "es son está están era eran fue fueron ha han había hay tiene tienen puede pueden será hace hacen debe deben".split()
    ),
    "ita": frozenset("è sono era erano ha hanno aveva può possono deve fa stato sarà".split()),
    "por": frozenset("é são está estão era eram foi foram tem têm pode podem deve faz será".split()),
    "nld": frozenset("is zijn was waren heeft hebben had wordt worden werd kan kunnen moet zal".split()),
}
# Modals are tagged MD, which the library does not count as a verb; the word after one (past a
# "not") is tagged VB: "must," alone is no verb, "we will publish" has one.
_MODALS = frozenset("will would shall should can could may might must won't wouldn't can't cannot couldn't shouldn't".split())
_VERB_SUFFIX = re.compile(r"^[a-z]{3,}(?:ed|ing)$")
_FOREIGN_PARTICIPLE = re.compile(r"^[a-zà-ÿ]{3,}(?:é|ée|és|ées|iert|ado|ido|ato|uto)$")


# -- primitives -------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Split text into sentences (NLTK-punkt-like on ordinary prose)."""
    return [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def sentence_count(text: str, min_length: int | None = None, stop_at: int | None = None) -> int:
    """Number of sentences with at least ``min_length`` words (punctuation removed).

    ``stop_at`` ends the count early: the checks only ask "more than one?".
    """
    count = 0
    for sentence in _SENTENCE_SPLIT.split(text):
        if not sentence.strip():
            continue
        if min_length and len(_without_punctuation(sentence).split()) < min_length:
            continue
        count += 1
        if stop_at is not None and count >= stop_at:
            break
    return count


# spaCy's English tokenizer (the library's word_tokenize): whitespace chunks lose leading and
# trailing punctuation (not "/", "-" or "@", which stay attached: "/Guitar" is one token), then
# split at a hyphen or slash between letters and before "n't"/"'s"-like clitics
_SPACY_PREFIX = re.compile(r"^[\"'`“”‘’«»(\[{<§%=—–+…,:;!?¿¡_#*&$£€¥·]+")
_SPACY_SUFFIX = re.compile(r"(?:[\"'`“”‘’«»)\]}>—–…,:;!?_#*&·%]|(?<=[\w])\.)+$")
_SPACY_INFIX = re.compile(r"(?<=[^\W_])(?:[-‐–—/:<>=])(?=[^\W\d_])")
_SPACY_CLITIC = re.compile(r"(?i)(?<=\w)(n't|'s|'re|'ll|'ve|'d|'m|’s)$")


def spacy_like_tokens(text: str) -> list[str]:
    """Tokens about as spaCy's English tokenizer gives them (the library's ``word_tokenize``)."""
    tokens: list[str] = []
    for chunk in text.split():
        if chunk.isalpha():  # no punctuation to strip, nothing to split at: the chunk is the token
            tokens.append(chunk)
            continue
        # an alphanumeric first (last) character is no prefix (suffix) punctuation: no regex needed
        core = chunk if chunk[0].isalnum() else _SPACY_PREFIX.sub("", chunk)
        if core and not core[-1].isalnum():
            core = _SPACY_SUFFIX.sub("", core)
        if not core:
            continue
        clitic = _SPACY_CLITIC.search(core)
        if clitic:
            core = core[: clitic.start()]
        tokens.extend(part for part in _SPACY_INFIX.split(core) if part)
        if clitic:
            tokens.append(clitic.group(1))
    return tokens


_NOT_LETTER = re.compile(r"[\W\d_]+")
# ASCII text, where str.translate does what the regexes do several times faster: the characters
# of _PUNCT ([^\w\s]) and of _NOT_LETTER ([\W\d_]) among the ASCII ones, deleted
_ASCII_PUNCT = {i: None for i in range(128) if not (chr(i).isalnum() or chr(i) == "_" or chr(i).isspace())}
_ASCII_NOT_LETTER = {i: None for i in range(128) if not ("a" <= chr(i).lower() <= "z")}


def _without_punctuation(text: str) -> str:
    return text.translate(_ASCII_PUNCT) if text.isascii() else _PUNCT.sub("", text)


def under_non_alpha_ratio(text: str, threshold: float = 0.5) -> bool:
    """True when fewer than ``threshold`` of the non-space characters are letters."""
    total = len("".join(text.split()))
    if total == 0:
        return False
    alpha = len(text.translate(_ASCII_NOT_LETTER) if text.isascii() else _NOT_LETTER.sub("", text))
    return alpha / total < threshold


def exceeds_cap_ratio(text: str, threshold: float = 0.5, *, multi_sentence: bool | None = None) -> bool:
    """True when a single-sentence text has more than ``threshold`` capitalized tokens."""
    if multi_sentence is None:
        multi_sentence = sentence_count(text, 3, stop_at=2) > 1
    if multi_sentence:
        return False
    if text.isupper():
        return True
    # as the library: only all-letter tokens count, and a text with none is "capitalized"
    tokens = [t for t in spacy_like_tokens(text) if t.isalpha()]
    if not tokens:
        return True
    # (map over C methods: no Python frame per token)
    capitalized: int = sum(map(operator.or_, map(str.istitle, tokens), map(str.isupper, tokens)))
    return capitalized / len(tokens) > threshold


def contains_verb(text: str, language: str = "eng") -> bool:
    """Whether the text has a word a POS tagger would call a verb (lexicon + suffix shapes)."""
    other = _VERBS_OTHER.get(language)
    tokens = _WORD_TOKENS.findall(text.lower())
    # a sentence (4+ words, or ending like one) is where a tagger reads ambiguous forms as verbs
    words = sum(map(str.isalnum, map(operator.itemgetter(0), tokens)))
    long_enough = words >= 4 or (words >= 2 and not text.isupper() and text.rstrip().endswith((".", "!", "?")))
    # a short all-caps line ("RELATED WORK", "UPCOMING MEETINGS") is a heading: shapes do not count
    shapes = long_enough or not text.isupper()
    # any token passing any test: set intersections first, then the shapes of each distinct token
    distinct = set(tokens)
    if not _VERBS_CORE.isdisjoint(distinct):
        return True
    if long_enough and not _VERBS_REGULAR.isdisjoint(distinct):
        return True
    if other is not None and not other.isdisjoint(distinct):
        return True
    if not _MODALS.isdisjoint(distinct):  # a modal followed by a word (after an optional "not")
        for index, token in enumerate(tokens):
            if token in _MODALS:
                following = tokens[index + 1 : index + 3]
                if following and following[0] in ("not", "n't") and not token.endswith(("n't", "not")):
                    following = following[1:]
                if following and following[0].isalpha():
                    return True
    for token in distinct:
        if shapes and _VERB_SUFFIX.match(token) and (long_enough or token.endswith("ed")):
            return True
        if other is not None and _FOREIGN_PARTICIPLE.match(token):
            return True
    return False


# -- the library's checks ---------------------------------------------------------------------


def is_possible_narrative_text(text: str, language: str = "eng") -> bool:
    if not text or text.isnumeric():
        return False
    # the library's three tests all have to pass; the cheaper ones are asked first
    if under_non_alpha_ratio(text):
        return False
    multi_sentence = sentence_count(text, 3, stop_at=2) > 1
    if not multi_sentence and not contains_verb(text, language):
        return False
    return not exceeds_cap_ratio(text, multi_sentence=multi_sentence)


_ENDS_IN_PUNCT = re.compile(r"[^\w\s]\Z")


def is_possible_title(text: str, title_max_word_length: int = 12) -> bool:
    if not text:
        return False
    if text.isupper() and _ENDS_IN_PUNCT.search(text):
        return False
    if len(text.split(" ")) > title_max_word_length:
        return False
    if under_non_alpha_ratio(text):
        return False
    if text.endswith(","):
        return False
    if text.isnumeric():
        return False
    return sentence_count(text, 5, stop_at=2) <= 1


def is_bulleted(text: str) -> bool:
    return BULLET_RE.match(text) is not None and bool(BULLET_RE.sub("", text, count=1).strip())


def clean_bullet(text: str) -> str:
    return BULLET_RE.sub("", text, count=1).strip()


def classify(text: str, language: str = "eng", *, allow_list: bool = True, allow_title: bool = True) -> tuple[str, str]:
    """Return ``(type, text)`` for a block of text, the way ``element_from_text`` does.

    Bulleted text becomes a ListItem with the bullet removed; then EmailAddress, Address, a
    numbered line ("1. ..." / "1) ...") a ListItem keeping its number, NarrativeText, Title, and
    UncategorizedText for what is none of these (numbers, codes, ...).
    ``allow_title=False`` is the library's HTML rule (``derive_element_type_from_text``): only
    headings are titles there, so short text outside them is UncategorizedText.
    """
    if allow_list and is_bulleted(text):
        return "ListItem", clean_bullet(text)
    if len(text) < 255 and EMAIL_RE.match(text):
        return "EmailAddress", text
    if len(text) < 120 and US_CITY_STATE_ZIP_RE.match(text):
        return "Address", text
    if allow_title and LIBRARY_NUMBERED_RE.match(text.strip()):
        # element_from_text's is_possible_numbered_list (not the HTML rule, which has no such step)
        return "ListItem", text
    if is_possible_narrative_text(text, language):
        return "NarrativeText", text
    if allow_title and is_possible_title(text):
        return "Title", text
    return "UncategorizedText", text


def word_paragraph_type(stripped: str, language: str = "eng") -> str:
    """The library's docx rule for a paragraph without a list or heading style (no Title from text alone)."""
    if len(stripped) < 2:
        return "UncategorizedText"
    if len(stripped) < 120 and US_CITY_STATE_ZIP_RE.match(stripped):
        return "Address"
    if len(stripped) < 255 and EMAIL_RE.match(stripped):
        return "EmailAddress"
    if is_possible_narrative_text(stripped, language):
        return "NarrativeText"
    return "UncategorizedText"
