# ruff: noqa: E501 (the recorded phonemes are data, one case a line)
"""Every rule of the English lexicon has a phoneme case: the text it fixes, the text as sent, eSpeak NG's phonemes.

tests/test_pronunciation.py covers the labels, the names and the years (issue 16); this file covers the older rules
(addresses, Official Journal references, document numbers, acronyms, abbreviations), so that every one of the
lexicon's rules is asserted as phonemes, and a rule added without a case fails
:func:`test_every_rule_of_the_lexicon_has_a_phoneme_case`. The phonemes were recorded with eSpeak NG 1.52.0 and read
through by hand (``python -m publish.phonemes TEXT``).
"""

from __future__ import annotations

import pytest
from test_pronunciation import ENTRIES

from publish import lexicon
from publish.phonemes import phonemes

#: (text, as sent to eSpeak NG, its phonemes).
CASES = [
    ('see https://www.who.int/docs/report.pdf?x=1 now', 'see link to W H O.int now', "s'i: l'INk t@ d'Vb@Lj,u: 'eItS 'oU d'0t 'Int n'aU"),
    ('write to info@europarl.europa.eu.', 'write to e-mail address, info at europarl.europa.eu.', "r'aIt tU 'i:m'eIl a#dr'Es | 'InfoU at j'U@roUp,A@l d'0t jU@r'oUp@ d'0t ,i:j'u:"),
    ('see who.int.', 'see W H O.int.', "s'i: d'Vb@Lj,u: 'eItS 'oU d'0t 'Int"),
    ('see ohchr.org.', 'see O H C H R.org.', "s'i:; 'oU 'eItS s'i:; 'eItS 'A@ d'0t 'O@g"),
    ('see un.org.', 'see U N.org.', "s'i: j'u: 'En d'0t 'O@g"),
    ('see ec.europa.eu.', 'see E C.europa.eu.', "s'i:; 'i: s'i: d'0t jU@r'oUp@ d'0t ,i:j'u:"),
    ('see eeas.europa.eu.', 'see E E eh S.europa.eu.', "s'i:; 'i:; 'i:; 'eI 'Es d'0t jU@r'oUp@ d'0t ,i:j'u:"),
    ('OJ C 362, 8.1.2021, p. 2.', 'Official Journal C 362 of 8 January 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt dZ'anju:@ri t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.2.2021, p. 2.', 'Official Journal C 362 of 8 February 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt f'Ebru:@ri t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.3.2021, p. 2.', 'Official Journal C 362 of 8 March 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt m'A@tS t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.4.2021, p. 2.', 'Official Journal C 362 of 8 April 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt 'eIpr@L t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.5.2021, p. 2.', 'Official Journal C 362 of 8 May 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt m'eI t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.6.2021, p. 2.', 'Official Journal C 362 of 8 June 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt dZ'u:n t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.7.2021, p. 2.', 'Official Journal C 362 of 8 July 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt dZu:l'aI t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.8.2021, p. 2.', 'Official Journal C 362 of 8 August 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt 'O:g@st t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.9.2021, p. 2.', 'Official Journal C 362 of 8 September 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt sEpt'Emb3 t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.10.2021, p. 2.', 'Official Journal C 362 of 8 October 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt 0kt'oUb3 t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.11.2021, p. 2.', 'Official Journal C 362 of 8 November 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt noUv'Emb3 t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C 362, 8.12.2021, p. 2.', 'Official Journal C 362 of 8 December 2021, page 2.', "@f'IS@L dZ'3:n@L s'i: Tr'i:h'VndrI2d@n s'Iksti t'u: 0v 'eIt dI2s'Emb3 t'u: T'aUz@nd @n tw'Enti w'0n | p'eIdZ t'u:"),
    ('OJ C, 8 September 2021.', 'Official Journal C of 8 September 2021.', "@f'IS@L dZ'3:n@L s'i:; 0v 'eIt sEpt'Emb3 t'u: T'aUz@nd @n tw'Enti w'0n"),
    ('procedure 2022/2700(RSP)', 'procedure 2022 slash 2700, R S P', "pr@s'i:dZ3 t'u: T'aUz@nd @n tw'Enti t'u: sl'aS t'u: T'aUz@nd s'Ev@nh'VndrI2d | 'A@r- 'Es p'i:"),
    ('motion B9-0311/2022', 'motion B 9, 0311 slash 2022', "m'oUS@n b'i: n'aIn | z'i@roUTr'i:_!w'0nw'0n_! sl'aS t'u: T'aUz@nd @n tw'Enti t'u:"),
    ('COM(2021)0206', 'C O M 2021, number 206', "s'i:; 'oU 'Em t'u: T'aUz@nd @n tw'Enti w'0n | n'Vmb3 t'u:h'VndrI2d@n s'Iks"),
    ('the COM said', 'the C O M said', "D@ s'i:; 'oU 'Em s'Ed"),
    ('the SWD said', 'the S W D said', "DI2; 'Es d'Vb@Lj,u: d'i: s'Ed"),
    ('the SEC said', 'the S E C said', "DI2; 'Es 'i: s'i: s'Ed"),
    ('P9_TA(2022)0237', 'P 9 T eh 2022, number 237', "p'i: n'aIn t'i:; 'eI t'u: T'aUz@nd @n tw'Enti t'u: | n'Vmb3 t'u:h'VndrI2d@n T'3:ti s'Ev@n"),
    ('ST 12345/22', 'S T 12345 slash 22', "'Es t'i: tw'Elv T'aUz@nd_! Tr'i:h'VndrI2d@n f'o@ti f'aIv sl'aS tw'Enti t'u:"),
    ('number 1234567890', 'number 1 2 3 4 5 6 7 8 9 0', "n'Vmb3 w'0n t'u: Tr'i: f'o@ f'aIv s'Iks s'Ev@n 'eIt n'aIn z'i@roU"),
    ('the ICCPR', 'the I C C P R', "DI2; aI s'i: s'i: p'i:; 'A@"),
    ('the ICESCR', 'the I C E S C R', "DI2; aI s'i:; 'i:; 'Es s'i:; 'A@"),
    ('the ICAO', 'the I C eh O', "DI2; aI s'i:; 'eI 'oU"),
    ('the WHO said', 'the W H O said', "D@ d'Vb@Lj,u: 'eItS 'oU s'Ed"),
    ('the OHCHR', 'the O H C H R', "DI2; 'oU 'eItS s'i:; 'eItS 'A@"),
    ('the UNHRC', 'the U N H R C', "D@ j'u: 'En 'eItS 'A@ s'i:"),
    ('the UNGA', 'the U N G eh', "D@ j'u: 'En dZ'i:; 'eI"),
    ('the ILO', 'the I L O', "DI2; aI 'El 'oU"),
    ('the ICC', 'the I C C', "DI2; aI s'i: s'i:"),
    ('the CJEU', 'the C J E U', "D@ s'i: dZ'eI 'i: j'u:"),
    ('the TEU', 'the T E U', "D@ t'i:; 'i: j'u:"),
    ('the TFEU', 'the T F E U', "D@ t'i:; 'Ef 'i: j'u:"),
    ('the EEAS', 'the E E eh S', "DI2; 'i:; 'i:; 'eI 'Es"),
    ('the OSCE', 'the O S C E', "DI2; 'oU 'Es s'i:; 'i:"),
    ('the XUAR', 'the X U eh R', "DI2; 'Eks j'u: 'eI 'A@"),
    ('the MEPs', 'the M E Ps', "DI2; 'Em 'i: p,i:;'Es"),
    ('an MEP', 'an M E P', "a#n 'Em 'i: p'i:"),
    ('the NGOs', 'the N G Os', "DI2; 'En dZ'i:; ,oU'Es"),
    ('an NGO', 'an N G O', "a#n 'En dZ'i:; 'oU"),
    ('the OJ', 'the Official Journal', "DI2; @f'IS@L dZ'3:n@L"),
    ('Art. 5', 'Article 5', "'A@tIk@L f'aIv"),
    ('Arts. 5 and 6', 'Articles 5 and 6', "'A@tIk@Lz f'aIv_:_: and s'Iks"),
    ('para. 5', 'paragraph 5', "p'ar@gr,aaf f'aIv"),
    ('paras. 5 and 6', 'paragraphs 5 and 6', "p'ar@gr,aafz f'aIv_:_: and s'Iks"),
    ('No 1234/2011', 'number 1234/2011', "n'Vmb3 w'0n T'aUz@nd t'u:h'VndrI2d@n T'3:ti f'o@ sl'aS t'u: T'aUz@nd @n Il'Ev@n"),
    ('Nos 5 and 6', 'numbers 5 and 6', "n'Vmb3z f'aIv_:_: and s'Iks"),
    ('p. 5', 'page 5', "p'eIdZ f'aIv"),
    ('pp. 5-6', 'pages 5-6', "p'eIdZI2z f'aIv d'aS s'Iks"),
    ('i.e. this', 'that is this', "Dat Iz D'Is"),
    ('cf. that', 'compare that', "k@mp'e@ D'at"),
    ('ibid. here', 'in the same place here', "InD@ s'eIm pl'eIs h'i@3"),
    ('the HR/VP said', 'the High Representative and Vice-President said', "D@ h'aI r,EprI2z'Ent@t,Iv_:_: and v'aIspr'EzId@nt s'Ed"),
    ('the VP/HR said', 'the Vice-President and High Representative said', "D@ v'aIspr'EzId@nt_:_: and h'aI r,EprI2z'Ent@t,Iv s'Ed"),
    ('women / girls', 'women, girls', "w'ImIn | g'3:lz"),
    ('the 1920s', 'the 19 twenties', "D@ n'aInti:n tw'Entiz"),
    ('the 1930s', 'the 19 thirties', "D@ n'aInti:n T'3:tiz"),
    ('the 1940s', 'the 19 forties', "D@ n'aInti:n f'O@tiz"),
    ('the 1950s', 'the 19 fifties', "D@ n'aInti:n f'Iftiz"),
    ('the 1960s', 'the 19 sixties', "D@ n'aInti:n s'Ikstiz"),
    ('the 1970s', 'the 19 seventies', "D@ n'aInti:n s'Ev@ntiz"),
    ('the 1980s', 'the 19 eighties', "D@ n'aInti:n 'eItiz"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sent", "heard"), CASES, ids=[case[0] for case in CASES])
def test_a_rule_is_heard_as_recorded(text, sent, heard):
    assert lexicon.load("en").apply(text) == sent
    assert phonemes(sent) == heard


def _fired(rules: tuple[lexicon.Rule, ...], text: str) -> set[int]:
    """The rules (by index) that change ``text`` when the lexicon is applied in order."""
    fired = set()
    for index, rule in enumerate(rules):
        changed = rule.pattern.sub(rule.spoken, text)
        if changed != text:
            fired.add(index)
        text = changed
    return fired


def test_every_rule_of_the_lexicon_has_a_phoneme_case():
    rules = lexicon.load("en").rules
    texts = [case[0] for case in CASES] + [entry[0] for entry in ENTRIES]
    covered = set().union(*(_fired(rules, text) for text in texts))
    assert [rules[i].pattern.pattern for i in range(len(rules)) if i not in covered] == []
