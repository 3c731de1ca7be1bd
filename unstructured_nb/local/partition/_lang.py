"""A small offline language detector: ISO 639-3 codes like the library's ``metadata.languages``.

The library runs ``langdetect`` once on the whole document (``detect_language_per_element`` is
off by default) and stamps every element with the result; we do the same with a stopword count
for Latin-script languages and Unicode-script ranges for the others. It samples the start of the
document so its cost stays constant on large files.
"""

from __future__ import annotations

import re
from collections import Counter

from ._utf8_count import CodePoints

_SAMPLE_CHARS = 20_000

_STOPWORDS: dict[str, frozenset[str]] = {
    "eng": frozenset(
        "the and of to in is are was were be been that this it for on with as by at from or an which "
        "not have has had but they their we you he she his her its will would can could should there "
        "these those than then also into about more most other some such only over after before".split()
    ),
    "fra": frozenset(
        "le la les des du de un une et est sont dans pour sur par avec que qui ne pas au aux ce cette "
        "ces il elle ils nous vous leur leurs été être avoir ont était mais ou où plus son sa ses se "
        "en d l qu".split()
    ),
    "deu": frozenset(
        "der die das und ist sind ein eine einer eines dem den des nicht mit von zu auf für im sich "
        "auch es wird werden wurde hat haben war waren bei aus nach wie oder aber noch nur ich wir "
        "sie".split()
    ),
    "spa": frozenset(
        "el la los las de del y en es son un una que por para con no se su sus al lo como más pero "
        "fue ha han está están este esta estos muy sobre también entre".split()
    ),
    "ita": frozenset(
        "il lo la gli le di del della dei delle e è sono un una che per con non si suo sua al alla "
        "nel nella come più ma anche questo questa essere stato".split()
    ),
    "por": frozenset(
        "o a os as de do da dos das e é são um uma que para com não se seu sua ao em no na nos nas "
        "como mais mas foi está também pelo pela".split()
    ),
    "nld": frozenset(
        "de het een en is zijn van in op te dat die voor met niet als aan er bij ook worden wordt "
        "werd maar om dan nog deze naar".split()
    ),
}

# Non-Latin scripts: (code, its letters); kana before CJK so Japanese wins.
_SCRIPTS: tuple[tuple[str, CodePoints], ...] = (
    ("jpn", CodePoints.of((0x3040, 0x30FF))),
    ("kor", CodePoints.of((0xAC00, 0xD7AF), (0x1100, 0x11FF))),
    ("zho", CodePoints.of((0x4E00, 0x9FFF))),
    ("rus", CodePoints.of((0x0400, 0x04FF))),
    ("ell", CodePoints.of((0x0370, 0x03FF))),
    ("ara", CodePoints.of((0x0600, 0x06FF))),
    ("heb", CodePoints.of((0x0590, 0x05FF))),
    ("hin", CodePoints.of((0x0900, 0x097F))),
    ("tha", CodePoints.of((0x0E00, 0x0E7F))),
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LATIN_LETTERS = CodePoints.of((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F))


_ASCII = re.compile(r"^[\x00-\x7f]+$")
_ASCII_NON_LETTERS = {i: " " for i in range(128) if not ("a" <= chr(i) <= "z")}
# word -> the languages whose stopword it is, in _STOPWORDS' order
_STOPWORD_CODES: dict[str, tuple[str, ...]] = {
    word: tuple(code for code, words in _STOPWORDS.items() if word in words) for word in set().union(*_STOPWORDS.values())
}


# UTF-8 bytes: ASCII non-letters to a space, the rest (a-z and every byte of a multi-byte character) kept
_ASCII_NON_LETTER_BYTES = bytes(b if 97 <= b <= 122 or b >= 128 else 32 for b in range(256))


def _letter_runs(lowered: str) -> list[str]:
    """``_WORD.findall(lowered)``, several times faster: ASCII non-letters (in UTF-8, where no byte
    of a multi-byte character is ASCII) split the text into pieces, and only a piece holding
    non-ASCII characters is split further by _WORD, at those of them that are not letters."""
    if lowered.isascii():
        return lowered.translate(_ASCII_NON_LETTERS).split()
    spaced = lowered.encode("utf-8", "surrogatepass").translate(_ASCII_NON_LETTER_BYTES).decode("utf-8", "surrogatepass")
    words: list[str] = []
    for piece in spaced.split():
        if piece.isascii():
            words.append(piece)
        else:
            words.extend(_WORD.findall(piece))
    return words


def detect_languages(text: str) -> list[str]:
    """Return the document's language as a one-item list of ISO 639-3 codes (default ``eng``)."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split(None, 5)) < 5 and _ASCII.match(sample):
        return ["eng"]  # the library's rule: short ASCII text is English
    if not sample.isascii():
        # the script with most letters, if it has more than the Latin script (counted in UTF-8)
        encoded = sample.encode("utf-8", "surrogatepass")
        best_script, best_count = None, 0
        for code, letters in _SCRIPTS:
            if not letters.present(encoded):
                continue  # most documents have none of these scripts
            count = letters.count(encoded)
            if count > best_count:
                best_script, best_count = code, count
        if best_script is not None and best_count > _LATIN_LETTERS.count(encoded):
            return [best_script]
    counts: Counter[str] = Counter()
    # each distinct stopword once, in order of first occurrence (the same tie-breaking as word by
    # word); the other words are filtered out first, in C
    stopwords = filter(_STOPWORD_CODES.__contains__, _letter_runs(sample.lower()))
    for word, n in Counter(stopwords).items():
        codes = _STOPWORD_CODES[word]
        if len(word) >= 2:
            # "a", "e", "o", "y" are skipped: words of several languages, and list labels ("a) b) c)")
            for code in codes:
                counts[code] += n
    if not counts:
        return ["eng"]
    code, hits = counts.most_common(1)[0]
    # Short or ambiguous text: the library answers "eng" for short ASCII snippets too.
    if hits < 2 or (code != "eng" and (hits < 3 or hits <= counts.get("eng", 0))):
        return ["eng"]
    return [code]
