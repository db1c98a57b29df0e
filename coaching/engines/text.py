"""Text normalisation and the phrase language of the `rules` judge, Chinese and English alike.

`normalise(text)` folds width (NFKC: full-width → half-width) and case (casefold), expands
English contractions ("won't" → "will not", "I'll" → "i will", "it's" → "it is"), drops
punctuation, spaces and symbols — except that one space is kept between two English words
(so a phrase can respect word boundaries) and clause punctuation (。，,;：!? …) becomes a
clause mark (so a phrase, a gap or a negation never reaches over a clause). Numbers are
recognised as numbers and replaced by one token carrying their value, whatever their form:
Arabic (30, 1.5, 1,200, 200k, 2 million), Chinese (三, 两万, 一百二十, 十六万, 1.5万), English words
(two, twenty-five, two hundred) and shares (30%, 30 percent, 三成, 百分之三十). A Chinese
magnitude written after a number (万, 亿) stays in the text after the token, so "万元" is still
found in "80万元". Every character of the normalised text keeps the span of the original
characters it came from, so a match can be turned back into the writer's exact words
(`Normalised.span`).

The phrase language (`phrase_pattern`), as trainers write phrases in scenario files:
- literal words, normalised the same way (width, case, punctuation; a number in any form:
  "16万" matches "十六万" and "160,000");
- English words match whole words only ("trial" is not found in "industrial", "when" not in
  "whenever") and in their inflected forms ("ask" matches "asks", "asked", "asking"; "give"
  matches "gave", "given"; "reduce" matches "reduced", "reducing");
- `{number}` any number (or a range "3-5"), `{percent}` a share (30%, 三成, 百分之三十, 20 percent),
  `{money}` an amount with an optional currency unit (80万元, 80万, 5,000 yuan, ¥3,600); a bare
  `%` stands for `{percent}`; a unit written after a placeholder is matched, not swallowed
  ("{number}万元" matches "80万元"); a magnitude after a placeholder is optional ("{number}万"
  also matches "300,000"); a bound keeps only values beyond it (`{percent<20}`,
  `{money>=2200}`, `{number>2.5}`; of a range one end is enough), checked on each match
  (`text_phrases.within_bounds`);
- `…` (or `...`) is a gap of a few words inside the same clause: "降低 …%" matches "降低了30%",
  "reduce … %" matches "reduce costs by 20%" (at most 10 characters in a Chinese phrase, 30
  in an English one).

- a concept placeholder (`{discount}`, `{deadline}`, `{guarantee}`, `{inducement}`,
  `{relationship}`, `{impersonation}`, `{disparagement}`, `{allegation}`, `{hearsay}`,
  `{tender_steering}`)
  stands for a whole red-line type, built in and shared by every scenario
  (`coaching.engines.text_concepts`); a concept may carry a guard (policy or approval named
  nearby) that makes a match not count (`guard_of`, `guarded`).

`negated(text, start, end)` tells whether a match in normalised text sits in the scope of a
negation or refusal in its clause: a negator before it (不/没/没有/不会/不能/没法/无法/别/不是/
绝不/并非 …, not/never/no/won't/can't/nobody/no one/no vendor …), a claim put in someone
else's mouth (有人说, 号称, anyone who says …), or a refusal right after it (是不可能的, 做不到,
is impossible, nobody can …), or a refusal of ANY such thing opening the next clause
(给医生的任何费用，我们既不承担也不允许).
"""

from __future__ import annotations

from coaching.engines.text_concepts import (
    CONCEPT_PLACEHOLDERS,
    CONCEPTS,
    concept_pattern,
    guard_of,
    guarded,
)
from coaching.engines.text_negation import negated, negator_in
from coaching.engines.text_normalise import Normalised, detect_language, normalise
from coaching.engines.text_numbers import (
    ANY_MONEY,
    ANY_NUMBER,
    ANY_PERCENT,
    CLAUSE_MARK,
    number_token,
    parse_chinese_number,
    parse_english_number,
)
from coaching.engines.text_phrases import compile_phrase, phrase_pattern, word_pattern

__all__ = [
    "CONCEPTS",
    "CONCEPT_PLACEHOLDERS",
    "concept_pattern",
    "guard_of",
    "guarded",
    "ANY_MONEY",
    "ANY_NUMBER",
    "ANY_PERCENT",
    "CLAUSE_MARK",
    "Normalised",
    "compile_phrase",
    "detect_language",
    "negated",
    "negator_in",
    "normalise",
    "number_token",
    "parse_chinese_number",
    "parse_english_number",
    "phrase_pattern",
    "word_pattern",
]
