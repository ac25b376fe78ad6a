"""Pronunciation (issue 16): what eSpeak NG says for every spoken label style and every lexicon entry, as phonemes.

The text is the one the audio writer sends to eSpeak NG (``audio.spoken_units``: the spoken label, the clause text,
the English lexicon applied), turned into eSpeak NG 1.52's phoneme mnemonics (``espeak-ng -x``) through the wheel's
library (:mod:`publish.phonemes`). A regression in the lexicon or the labels shows here as text, not by ear. Each
lexicon case also asserts what eSpeak NG says without the lexicon, so the entry is shown to be needed.

Mnemonics: ``'`` primary stress, ``,`` secondary, ``_:`` a short pause, `` | `` a clause break; ``;`` and ``r-``
mark a word linked into the next one.
"""

from __future__ import annotations

import string

import pytest

from publish import labels, lexicon, reader
from publish.phonemes import phonemes
from publish.writers import audio

#: The letters as eSpeak NG names them in a label ("I", capital, is the unstressed pronoun's "aI").
LETTERS = {
    "A": "'eI", "B": "b'i:", "C": "s'i:", "D": "d'i:", "E": "'i:", "F": "'Ef", "G": "dZ'i:", "H": "'eItS",
    "I": "aI", "J": "dZ'eI", "K": "k'eI", "L": "'El", "M": "'Em", "N": "'En", "O": "'oU", "P": "p'i:",
    "Q": "kj'u:", "R": "'A@", "S": "'Es", "T": "t'i:", "U": "j'u:", "V": "v'i:", "W": "d'Vb@Lj,u:", "X": "'Eks",
    "Y": "w'aI", "Z": "z'Ed",
}  # fmt: skip
#: A small letter in brackets is stressed: "(i)" is 'aI.
SMALL = {letter.lower(): sound for letter, sound in LETTERS.items()} | {"i": "'aI"}
#: A bare small letter ending in a vowel links into the following "of".
LINKED = {letter: f"{SMALL[letter]};" for letter in "bcdegptv"} | {"r": "'A@r-"}
#: The Roman-numbered points: eSpeak NG says "roman two" … "roman nine", and (i), (v) and (x) as letters.
ROMAN = {
    "i": "'aI", "ii": "r,oUm@n_ t'u:", "iii": "r,oUm@n_ Tr'i:", "iv": "r,oUm@n_ f'o@", "v": "v'i:",
    "vi": "r,oUm@n_ s'Iks", "vii": "r,oUm@n_ s'Ev@n", "viii": "r,oUm@n_ 'eIt", "ix": "r,oUm@n_ n'aIn", "x": "'Eks",
}  # fmt: skip
NUMBERS = {
    "1": "w'0n", "2": "t'u:", "3": "Tr'i:", "10": "t'En", "12": "tw'Elv", "21": "tw'Enti w'0n", "45": "f'o@ti f'aIv",
    "100": "w'0nh'VndrI2d",
}  # fmt: skip
RECITALS = [*string.ascii_uppercase, *(f"A{letter}" for letter in string.ascii_uppercase)]

#: A source with every letter label a recital takes (A … AZ), both point styles ("(a)" and "a."), and the Roman
#: points (i) … (x).
LABELS = """\
---
reference: B9-0016/2024
procedure: 2024/0016(RSP)
type: Motion for a resolution
title: A test resolution with every label
language: en
issued_by: European Parliament
---

The European Parliament,

## Citations

- having regard to the first thing,

## Recitals

{recitals}

   (a) first:

{roman}

## Paragraphs

1. Calls for:

{bracketed}

2. Calls for:

{bare}

3. Instructs its President to forward this resolution.
""".format(
    recitals="\n\n".join(f"{label}. whereas the;" for label in RECITALS),
    roman="\n\n".join(f"       ({numeral}) sub;" for numeral in ROMAN),
    bracketed="\n\n".join(f"   ({letter}) first;" for letter in string.ascii_lowercase),
    bare="\n\n".join(f"   {letter}. first;" for letter in string.ascii_lowercase),
)


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The phonemes of every unit of :data:`LABELS`, by anchor, as the audio writer would have them spoken."""
    path = tmp_path_factory.mktemp("labels") / "labels.md"
    path.write_text(LABELS, encoding="utf-8")
    return {unit.id: phonemes(unit.spoken) for unit in audio.spoken_units(reader.read(path))}


def _spelled(label: str) -> str:
    return " ".join(LETTERS[letter] for letter in label)


# --- labels -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", RECITALS)
def test_a_recital_label_is_said_letter_by_letter(heard, label):
    """ "Recital A." is "Recital eh", not "Recital uh" (a#); "AN", "AS", "AT", "AU" are letters, not words."""
    assert heard[f"rec_{label}"] == f"rI2s'aIt@L {_spelled(label)} w'e@raz D@"


@pytest.mark.parametrize("letter", string.ascii_lowercase)
def test_a_bracketed_point_is_said_as_its_letter_between_pauses(heard, letter):
    assert heard[f"para_1__point_{letter}"] == f"p'OInt_:_: {SMALL[letter]}_:_: 0v p'ar@gr,aaf w'0n f'3:st"


@pytest.mark.parametrize("letter", string.ascii_lowercase)
def test_a_bare_point_is_said_as_its_letter(heard, letter):
    sound = LINKED.get(letter, SMALL[letter] if letter != "i" else "'aI")
    assert heard[f"para_2__point_{letter}"] == f"p'OInt {sound} 0v p'ar@gr,aaf t'u: f'3:st"


@pytest.mark.parametrize("numeral", list(ROMAN))
def test_a_roman_point_and_the_clauses_it_belongs_to(heard, numeral):
    parents = f"0v p'OInt_:_: 'eI_:_: 0v rI2s'aIt@L {_spelled('AZ')}"
    assert heard[f"rec_AZ__point_a__point_{numeral}"] == f"p'OInt_:_: {ROMAN[numeral]}_:_: {parents} s'Vb"


def test_a_point_of_a_recital_names_the_recital_as_letters(heard):
    assert heard["rec_AZ__point_a"] == "p'OInt_:_: 'eI_:_: 0v rI2s'aIt@L 'eI z'Ed f'3:st"


def _sent(kind: str, label: str, text: str, parents: tuple[tuple[str, str], ...] = ()) -> str:
    """What the audio writer sends for a clause: its spoken label, a full stop, its text; the lexicon applied."""
    return lexicon.load("en").apply(f"{labels.spoken_label(kind, label, 'en', parents)}. {text}")


@pytest.mark.parametrize("number", list(NUMBERS))
def test_numbered_labels_are_said_as_numbers(number):
    said = NUMBERS[number]
    assert phonemes(_sent("citation", number, "having regard")) == f"saIt'eIS@n {said} h,avIN rI2g'A@d"
    assert phonemes(_sent("paragraph", number, "Calls on")) == f"p'ar@gr,aaf {said} | k'O:lz '0n"
    indent = phonemes(_sent("indent", number, "first", (("paragraph", "3"),)))
    assert indent.replace(";", "") == f",Ind'Ent {said} 0v p'ar@gr,aaf Tr'i: f'3:st"


def test_the_seed_says_its_first_recital_as_the_letter(seed):
    unit = {u.id: u for u in audio.spoken_units(seed)}["rec_A"]
    assert unit.caption.startswith("Recital A. whereas")  # the captions keep the label as printed
    assert phonemes(unit.spoken).startswith("rI2s'aIt@L 'eI w'e@raz")


# --- the lexicon's entries: after, and before (without the lexicon) ---------------------------------------------------

#: (text, as sent to eSpeak NG, its phonemes, the phonemes of the text as written).
ENTRIES = [
    ("Recital A. whereas", "Recital eh. whereas", "rI2s'aIt@L 'eI w'e@raz", "rI2s'aIt@L a# w'e@raz"),
    ("Recital AN. whereas", "Recital eh N. whereas", "rI2s'aIt@L 'eI 'En w'e@raz", "rI2s'aIt@L an w'e@raz"),
    ("Recital AS. whereas", "Recital eh S. whereas", "rI2s'aIt@L 'eI 'Es w'e@raz", "rI2s'aIt@L az w'e@raz"),
    ("Recital AT. whereas", "Recital eh T. whereas", "rI2s'aIt@L 'eI t'i: w'e@raz", "rI2s'aIt@L at w'e@raz"),
    ("Recital AU. whereas", "Recital eh U. whereas", "rI2s'aIt@L 'eI j'u: w'e@raz", "rI2s'aIt@L ,oU w'e@raz"),
    ("Recital ABC. whereas", "Recital eh B C. whereas", "rI2s'aIt@L 'eI b'i: s'i: w'e@raz",
     "rI2s'aIt@L ,eIb,i:s'i: w'e@raz"),
    ("recitals A and B", "recitals eh and B", "rI2s'aIt@Lz 'eI_:_: and b'i:", "rI2s'aIt@Lz a#_:_: and b'i:"),
    ("Point (a) of paragraph 3.", "Point (eh) of paragraph 3.", "p'OInt_:_: 'eI_:_: 0v p'ar@gr,aaf Tr'i:",
     "p'OInt_:_: a#_:_: 0v p'ar@gr,aaf Tr'i:"),
    ("Point a of recital B.", "Point eh of recital B.", "p'OInt 'eI 0v rI2s'aIt@L b'i:",
     "p'OInt a# 0v rI2s'aIt@L b'i:"),
    ("the Uyghur people", "the Uighur people", "D@ w'i:gU@ p'i:p@L", "DI2; 'aIgh3 p'i:p@L"),
    ("Uyghurs wishing", "Uighurs wishing", "w'i:gU@z w'ISIN", "'aIgh3z w'ISIN"),
    ("Xi Jinping", "Shee Jinping", "S'i: dZ'InpIN", "z'aI dZ'InpIN"),
    ("Michelle Bachelet", "Michelle Basha-lay", "mI2S'El b'aS@l'eI", "mI2S'El b'A:kElI2t"),
    ("in Xinjiang", "in Shin-jahng", "In S'IndZ'A:N", "In z'IndZjaN"),
    ("Foreign Minister Wang Yi has", "Foreign Minister Wahng Yee has", "f'0r@n m'InIst3 w'A:N j'i: h'az",
     "f'0r@n m'InIst3 w'aNg ji h'az"),
    ("in Kherson", "in Kher-sonn", "In k'3:s'0n", "In k'3:s@n"),
    ("in Crimea", "in Crime-eeah", "In kr'aIm'i:;@", "In kr'aImi@"),
    ("the Laeken Declaration", "the Lahken Declaration", "D@ l'A:k@n d,Ekl@r'eIS@n",
     "D@ l'i:k@n d,Ekl@r'eIS@n"),
    ("the Nuremberg trials", "the Newrem-berg trials", "D@ nj'u:r@mb'3:g tr'aI@Lz", "D@ njU@r'Emb3:g tr'aI@Lz"),
    ("in Helsinki", "in Helsinky", "In h'ElsINki", "In hEls'INki"),
    ("the Pericles programme", "the Perricleez programme", "D@ p'ErIkl,i:z pr'oUgram",
     "D@ p'ErIk@Lz pr'oUgram"),
    ("in Kyiv", "in Keev", "In k'i:v", "In kj'Iv"),
    ("in Luhansk", "in Loo-hansk", "In l'u:h'ansk", "In l'u:hansk"),
    ("Seguro", "Seh-goo-roh", "s'eIg'u:r'oU", "sEgj'U@roU"),
    ("Rights of 1948 and", "Rights of 19 48 and", "r'aIts 0v n'aInti:n f'o@ti; 'eIt and",
     "r'aIts 0v n'aInti:nh'VndrI2d@n f'o@ti; 'eIt and"),
    ("17 July 1998,", "17 July 19 98,", "s'Ev@nt,i:n dZu:l'aI n'aInti:n n'aInti; 'eIt",
     "s'Ev@nt,i:n dZu:l'aI n'aInti:nh'VndrI2d@n n'aInti; 'eIt"),
    ("(1949)", "(19 49)", "_:_:n'aInti:n f'o@ti n'aIn", "_:_:n'aInti:nh'VndrI2d@n f'o@ti n'aIn"),
    ("in 1905,", "in 19 oh 5,", "In n'aInti:n 'oU f'aIv", "In n'aInti:nh'VndrI2d@n f'aIv"),
    ("the 1990s", "the 19 nineties", "D@ n'aInti:n n'aIntiz", "D@ n'aInti:nh'VndrI2d@n n'aInti z"),
    ("(UNFCCC).Calls on", "(U N F C C C). Calls on", "_:_:j'u: 'En 'Ef s'i: s'i: s'i: | k'O:lz '0n",
     "_:_:'Vnfkk d'0t_:_: k'O:lz '0n"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sent", "after", "before"), ENTRIES, ids=[entry[0] for entry in ENTRIES])
def test_a_lexicon_entry_changes_what_espeak_says(text, sent, after, before):
    assert lexicon.load("en").apply(text) == sent
    assert phonemes(sent) == after
    assert phonemes(text) == before != after  # without the entry eSpeak NG says it wrongly


@pytest.mark.parametrize(
    "text",
    ["Regulation 1234/2011", "Resolution 1325 on", "in 1900", "in 2012", "option A. Whereas", "AT the", "XI",
     "Xiamen", "Uyghurstan", "europarl.europa.eu", "U.N. Charter"],
)  # fmt: skip
def test_what_the_lexicon_leaves_alone(text):
    """Numbers that are not years, an "A" or "AT" not after "recital", longer words, dots inside addresses."""
    assert lexicon.load("en").apply(text) == text


def test_the_seed_as_sent_has_no_wrong_name_left(seed):
    spoken = " ".join(unit.spoken for unit in audio.spoken_units(seed))
    for written in ("Uyghur", "Xi ", "Bachelet", "Xinjiang", ").Calls", "Recital A."):
        assert written not in spoken, written
