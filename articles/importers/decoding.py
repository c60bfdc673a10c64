"""Bytes to text: refuse empty, binary and oversized input, then find the character set.

Order: a byte-order mark, then the charset the input declares (HTTP header, XML declaration,
HTML meta; a declared Latin-1 or ASCII is read as Windows-1252, as browsers do, so its curly
quotes survive, unless the bytes are valid UTF-8, the usual mislabel), then strict UTF-8. Bytes that are neither (unless they hold real UTF-8 sequences
next to invalid ones: damaged or mixed-encoding text, refused) are read in the legacy encodings
news text really uses, Western European (Windows-1252, a superset of Latin-1) first:

- Windows-1252 is taken at once when its reading's accented letters all belong to one Western
  language's alphabet and no symbol sits inside a word (``rz¹d`` is Polish read wrongly);
- otherwise charset-normalizer ranks the news encodings, and its choice is taken when the
  Windows-1252 reading is clearly garbled (Cyrillic, Greek, CJK read as Western);
- when two readings are both plausible (Czech or Turkish text, or an English text naming people
  from several countries) the one charset-normalizer finds more coherent is used, Windows-1252 on
  a tie, and the result carries a ``doubt`` the editor is shown, naming the other reading;
- an encoding outside the news list is used only as a last resort, with a doubt.

Input none of these can decode is refused rather than imported with replacement characters,
because offsets into a mangled text would be worthless once the real text is fixed.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from articles.importers.base import ImportRejected

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED = [
    re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""),
    re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE),
]
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Share of characters that may be control characters before the input counts as binary.
_MAX_CONTROL_SHARE = 0.05


def human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def check_size(data: bytes, max_bytes: int | None, what: str = "it") -> None:
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportRejected(f"{what} is {human_size(len(data))}, over the {human_size(max_bytes)} limit")


def charset_from_content_type(content_type: str) -> str:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else ""


def _known(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):
        return ""
    # Pages that say Latin-1 or ASCII are nearly always Windows-1252 (curly quotes, dashes, the
    # euro sign); browsers read them so, and reading 0x93 as a control character loses the quote.
    return _WESTERN if name in ("iso8859-1", "ascii") else name


@dataclass(frozen=True)
class DecodedText:
    """An input's text and the encoding it was read in.

    ``doubt`` is empty when the encoding is certain (a BOM, a declaration, UTF-8) or the reading
    is clearly right; otherwise it says, for the editor, what else the text may have been.
    """

    text: str
    encoding: str
    doubt: str = ""


def decode_bytes(data: bytes | str, *, content_type: str = "") -> str:
    """Decode an input to text or raise ImportRejected (empty, binary or undecodable)."""
    return decode_input(data, content_type=content_type).text


def decode_input(data: bytes | str, *, content_type: str = "") -> DecodedText:
    """Decode an input, saying how sure the encoding is; ImportRejected when it cannot be read."""
    if isinstance(data, str):
        decoded = DecodedText(data, "utf-8")
    else:
        if not data.strip():
            raise ImportRejected("it is empty")
        decoded = _decode(data, content_type)
    text = decoded.text
    if not text.strip():
        raise ImportRejected("it is empty")
    controls = sum(1 for ch in text if ch < " " and ch not in "\n\r\t\f")
    if "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text):
        raise ImportRejected("it looks like a binary file, not text (HTML, XML, JSON or plain text)")
    return decoded


def _decode(data: bytes, content_type: str) -> DecodedText:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                raise ImportRejected(f"it starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    if b"\x00" in data:
        # UTF-16/32 without a BOM is vanishingly rare in news; NUL bytes mean a binary file.
        raise ImportRejected("it looks like a binary file, not text (HTML, XML, JSON or plain text)")
    declared = [charset_from_content_type(content_type)]
    head = data[:2048]
    declared += [m.group(1).decode("ascii") for pattern in _DECLARED for m in [pattern.search(head)] if m]
    for name in filter(None, (_known(d) for d in declared)):
        # A server that labels everything Latin-1 (a common default) often sends UTF-8: bytes that
        # are valid UTF-8 beyond ASCII are next to never Windows-1252 text ("Ã©" is not news).
        candidates = ("utf-8", name, "latin-1") if name == _WESTERN and not data.isascii() else (name,)
        for encoding in candidates:
            try:
                return DecodedText(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                continue  # a wrong declaration is common; fall through to detection
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        invalid = data.decode("utf-8", errors="replace").count("\ufffd")
        if len(_UTF8_MULTIBYTE.findall(data)) >= invalid:
            # Mostly real UTF-8 sequences mean the text was UTF-8 and the rest is damage or another
            # encoding pasted in; any single charset would turn part of it to garbage.
            raise ImportRejected(
                f"it is UTF-8 text with bytes that are not UTF-8 (from byte {exc.start}); "
                "it may be damaged or mix encodings: save it as UTF-8 and try again"
            ) from None
    return _guess_legacy(data)


# The legacy encodings news sites and their archives use (W3Techs' list, by script), Western first.
NEWS_ENCODINGS = [
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp1253",
    "iso8859_7", "cp1254", "iso8859_9", "cp1257", "iso8859_13", "cp1255", "cp1256", "cp1258", "cp874",
    "cp932", "euc_jp", "euc_kr", "cp949", "gb18030", "big5",
]
_WESTERN = "cp1252"
_ENCODING_NAMES = {
    "cp1252": "Windows-1252 (Western European)", "iso8859_15": "ISO-8859-15 (Western European)",
    "cp1250": "Windows-1250 (Central European)", "iso8859_2": "ISO-8859-2 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)", "koi8_r": "KOI8-R (Russian)", "koi8_u": "KOI8-U (Ukrainian)",
    "iso8859_5": "ISO-8859-5 (Cyrillic)", "cp1253": "Windows-1253 (Greek)", "iso8859_7": "ISO-8859-7 (Greek)",
    "cp1254": "Windows-1254 (Turkish)", "iso8859_9": "ISO-8859-9 (Turkish)", "cp1257": "Windows-1257 (Baltic)",
    "iso8859_13": "ISO-8859-13 (Baltic)", "cp1255": "Windows-1255 (Hebrew)", "cp1256": "Windows-1256 (Arabic)",
    "cp1258": "Windows-1258 (Vietnamese)", "cp874": "Windows-874 (Thai)", "cp932": "Shift JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)", "euc_kr": "EUC-KR (Korean)", "cp949": "Windows-949 (Korean)",
    "gb18030": "GB18030 (Chinese)", "big5": "Big5 (Traditional Chinese)",
}
# The accented letters of the languages Windows-1252 was made for. A reading whose letters fit
# none of these alphabets mixes languages, which is what a wrong code page produces.
_WESTERN_ALPHABETS = [
    set("àâæçéèêëîïôœùûüÿ"),  # French (and English loanwords)
    set("äöüß"),  # German
    set("áéíñóúü"),  # Spanish
    set("àáâãçéêíóôõú"),  # Portuguese
    set("àèéìíîòóù"),  # Italian
    set("àçèéíïòóúü"),  # Catalan
    set("áéèëïóöü"),  # Dutch
    set("åæéøó"),  # Danish and Norwegian
    set("åäéö"),  # Swedish
    set("åäöšž"),  # Finnish
    set("áæéíóöðúýþ"),  # Icelandic
]
_NEUTRAL_LETTERS = set("ªºµ")  # ordinal indicators and the micro sign belong to no alphabet
# A Latin-1 symbol between two letters ("rz¹d", "by³a") is a letter of another code page; the
# middle dot (Catalan "l·l"), the soft hyphen and guillemets are the ones that may touch letters.
_SYMBOL_INSIDE_WORD = re.compile(r"[^\W\d_][\u00a1-\u00a9\u00ac\u00ae-\u00b4\u00b6\u00b8\u00b9\u00bc-\u00bf\u00d7\u00f7][^\W\d_]")
# How much less garbled (charset-normalizer's "chaos") another reading must be to beat Windows-1252
# outright; closer than this, the two readings are both plausible and the choice is a doubt.
_CLEARLY_LESS_GARBLED = 0.1


def encoding_name(encoding: str) -> str:
    """An encoding as editors know it ("Windows-1252 (Western European)")."""
    return _ENCODING_NAMES.get(encoding, encoding.upper().replace("_", "-"))


def _reads_as_western(text: str) -> tuple[bool, list[str]]:
    """Whether Windows-1252's reading looks like one Western language, and its accented letters."""
    letters = {ch for ch in set(text.lower()) if ch > "\x7f" and ch.isalpha()} - _NEUTRAL_LETTERS
    fits = any(letters <= alphabet for alphabet in _WESTERN_ALPHABETS)
    return fits and not _SYMBOL_INSIDE_WORD.search(text), sorted(letters)


def _guess_legacy(data: bytes) -> DecodedText:
    """Read bytes that are neither declared nor UTF-8 (see the module docstring)."""
    try:
        western = data.decode(_WESTERN)
    except UnicodeDecodeError:
        western = None  # one of the five bytes Windows-1252 leaves undefined
    if western is not None:
        plausible, letters = _reads_as_western(western)
        if plausible:
            return DecodedText(western, _WESTERN)
    matches = charset_normalizer.from_bytes(data, cp_isolation=NEWS_ENCODINGS)
    best = matches.best()
    if best is None:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise ImportRejected("its character encoding could not be recognised (save it as UTF-8 and try again)")
        return DecodedText(
            str(best), best.encoding,
            f"its character encoding was not declared; it was read as {encoding_name(best.encoding)}, which news "
            f"text rarely uses. {_CHECK}",
        )
    western_match = next((m for m in matches if _WESTERN in m.could_be_from_charset), None)
    if western_match is None or western_match is best or best.chaos + _CLEARLY_LESS_GARBLED < western_match.chaos:
        return DecodedText(str(best), best.encoding, _doubt(best.encoding, _rivals(matches, best)))
    # Both readings are plausible: the more coherent one wins, Windows-1252 on a tie.
    if best.coherence > western_match.coherence:
        chosen, encoding = best, best.encoding
    else:
        chosen, encoding = western_match, _WESTERN
    rivals = _rivals(matches, chosen)
    other = best if chosen is western_match else western_match
    if not any(match is other for match in rivals):
        rivals.insert(0, other)
    note = f" (read as Windows-1252, its accented letters {', '.join(letters[:8])} fit no one language)" if letters else ""
    return DecodedText(str(chosen), encoding, _doubt(encoding, rivals, note=note))


def _rivals(matches, chosen) -> list:
    """Other readings of the same bytes about as good as the chosen one (at most four)."""
    found = []
    for match in matches:
        if match is chosen or str(match) == str(chosen) or any(str(match) == str(f) for f in found):
            continue
        if match.chaos <= chosen.chaos + 0.02 and match.coherence >= chosen.coherence - 0.05:
            found.append(match)
    return found[:4]


def _doubt(encoding: str, rivals: list, *, note: str = "") -> str:
    if not rivals:
        return ""
    names = [encoding_name(_WESTERN if _WESTERN in m.could_be_from_charset else m.encoding) for m in rivals]
    others = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return (
        f"its character encoding was not declared and is uncertain: it was read as {encoding_name(encoding)}, "
        f"but it may be {others}{note}. {_CHECK}"
    )


_CHECK = (
    "Check its accented letters; if they are wrong, save the file as UTF-8 (or declare its charset) "
    "and import it again: the corrected text becomes a new version"
)
