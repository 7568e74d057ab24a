"""Search keys for names: one spelling-tolerant form of a name, whatever script or
romanisation it was typed in. "홍길동", "Hong Gil-dong", "HONG Kil Tong" and "Gildong Hong"
all reduce to keys that contain one another, so a search for any of them finds the others.

How: Hangul is romanised syllable by syllable (Revised Romanization, no sound changes);
Latin text is folded to a skeleton where the letters that romanisation systems disagree on
fall together (g/k, d/t, b/p, j/ch, r/l, eo/u, ee/i, …); common surname spellings (Lee, Yi,
Rhee; Park, Pak, Bak; …) map to one form. A name is stored with its tokens in the written
order and with the last token first, so "Gildong Hong" and "Hong Gildong" meet."""

from __future__ import annotations

import re
import unicodedata

_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k",
             "t", "p", "h"]  # fmt: skip
_VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "eu", "ui", "i"]  # fmt: skip
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
           "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip

# Surname spellings that stand for one Korean surname, reduced to one form.
_SURNAMES = {
    "i": ("lee", "yi", "rhee", "ri", "rhie", "li", "ree", "reey", "i"),
    "pak": ("park", "pak", "bak", "bark", "pack"),
    "kim": ("kim", "gim", "kym"),
    "choe": ("choi", "choe", "choy", "chwe"),
    "jeong": ("jeong", "jung", "chung", "cheong", "joung", "jong"),
    "yun": ("yoon", "yun", "youn"),
    "yu": ("yoo", "yu", "you", "ryu", "yiu", "ryoo", "rew", "yew"),
    "o": ("oh", "o"),
    "seo": ("seo", "suh", "so", "sur"),
    "sin": ("shin", "sin", "shinn"),
    "im": ("lim", "im", "rim", "yim"),
    "han": ("han", "hahn"),
    "go": ("ko", "go", "koh"),
    "gwon": ("kwon", "gwon", "kwun"),
    "jo": ("cho", "jo", "joe", "chough"),
    "noh": ("noh", "no", "roh", "ro"),
}
_SURNAME_FORM = {spelling: form for form, spellings in _SURNAMES.items() for spelling in spellings}

# Applied in order to a lower-case Latin token.
_FOLDS = [
    ("eo", "u"), ("ee", "i"), ("woo", "u"), ("oo", "u"), ("eu", "u"), ("ae", "e"), ("ai", "e"),
    ("ay", "e"), ("oi", "we"), ("oe", "we"), ("ch", "j"), ("sh", "s"), ("ph", "p"), ("th", "t"),
    ("kh", "k"), ("ck", "k"),
]  # fmt: skip
_LETTERS = str.maketrans({"g": "k", "c": "k", "q": "k", "d": "t", "b": "p", "f": "p",
                          "z": "j", "r": "l", "v": "w", "x": "ks"})  # fmt: skip


def romanise_hangul(text: str) -> str:
    """Hangul syllables in Revised Romanization, one syllable at a time; other characters
    are kept. Syllables are separated by nothing, words by their spaces."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            vowel, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _VOWELS[vowel] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


def _is_hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) < 0xAC00 + 11172


def _latin_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    # A hyphen or apostrophe joins the syllables of one given name: "Gil-dong", "Kil'tong".
    text = re.sub(r"['’\-]", "", text)
    return [t for t in re.split(r"[^a-z]+", text) if t]


def _fold(token: str) -> str:
    for before, after in _FOLDS:
        token = token.replace(before, after)
    token = token.translate(_LETTERS)
    # "h" only marks aspiration or a long vowel in romanisations; "r" before a consonant
    # is silent in "Park".
    token = token[0] + token[1:].replace("h", "") if token else token
    token = re.sub(r"l(?=[^aeiouwy]|$)", "", token) if len(token) > 2 else token
    return re.sub(r"(.)\1+", r"\1", token)


def _surname(token: str) -> str | None:
    return _SURNAME_FORM.get(token)


def _tokens_of(name: str) -> list[str]:
    """A name's Latin tokens; a Hangul name written without spaces is split after its
    first syllable, the surname."""
    tokens: list[str] = []
    for word in name.split():
        if len(word) > 1 and not tokens and all(_is_hangul(ch) for ch in word):
            tokens += [romanise_hangul(word[0]), romanise_hangul(word[1:])]
        else:
            tokens.extend(_latin_tokens(romanise_hangul(word)))
    return tokens


def _other_script(name: str) -> str:
    """Names in scripts without a romanisation here (Chinese, Thai, Khmer …) are matched as
    written, without spaces."""
    kept = [ch for ch in unicodedata.normalize("NFKC", name) if ch.isalnum() and ord(ch) > 0x24F]
    return "".join(kept) if kept and not any(_is_hangul(ch) for ch in kept) else ""


def _form(token: str) -> str:
    return _surname(token) or token


def _orders(tokens: list[str]) -> list[str]:
    """Keys for the surname first and last. A known surname spelling is reduced to its one
    form; the whole name is folded as one word so its spacing does not matter."""
    if len(tokens) == 1:
        return [_fold(_form(tokens[0]))]
    keys = []
    for surname, given in ((tokens[0], tokens[1:]), (tokens[-1], tokens[:-1])):
        keys += [_fold(_form(surname) + "".join(given)), _fold("".join(given) + _form(surname))]
    return keys


def name_keys(*names: str) -> str:
    """The search keys of a person known by `names` (Hangul name, Latin name, aliases),
    space-separated, for a `contains` search with `query_key`."""
    keys: list[str] = []
    for name in names:
        tokens = _tokens_of(name or "")
        for key in [*(_orders(tokens) if tokens else []), _other_script(name or "")]:
            if key and key not in keys:
                keys.append(key)
    return " ".join(keys)


def query_key(query: str) -> str:
    """The key to look for inside stored `name_keys`: the query folded the way a stored
    name is, surname first unless the query ends with a surname."""
    tokens = _tokens_of(query)
    if not tokens:
        return _other_script(query)
    if len(tokens) > 1 and _surname(tokens[-1]) and not _surname(tokens[0]):
        return _fold("".join(tokens[:-1]) + _form(tokens[-1]))
    return _fold(_form(tokens[0]) + "".join(tokens[1:]))


def digits(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


def identifier_key(kind: str, value: str) -> str:
    """Phones and account numbers by their digits (a +855 prefix or spaces do not matter);
    handles, e-mail and wallets in lower case without spaces."""
    if kind in ("phone", "bank_account"):
        found = digits(value)
        # The last eight digits: the same with or without a country code or trunk zero.
        return found[-8:] if kind == "phone" else found
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).lower().lstrip("@")
