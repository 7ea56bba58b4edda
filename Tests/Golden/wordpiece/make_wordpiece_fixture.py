"""WordPiece expectations beyond ../shared/reference/minilm.json (Tests/DatasetsTests/WordPieceTests.swift).

minilm.json checks the ids of 8 sentences, one pair and 8 edge cases; this file adds, with the
all-MiniLM-L6-v2 vocabulary:
  * `cases`: `longest_first` truncation of single inputs and sentence pairs (including the tie
    rule when both sequences must be cut) and padding to max_length with attention mask and
    token type ids;
  * `normalisation`: ids of strings that exercise BertNormalizer's corners (control and
    zero-width characters, U+FFFD, non-ASCII whitespace, combining marks, full-width and
    Hangul/kana characters, special-token strings written in the text).

  * reference: `tokenizers` (Rust) `Tokenizer.from_file(tokenizer.json)` with
    `enable_truncation(max_length, strategy="longest_first")` and `enable_padding(length=max_length)`;
  * cross-check: transformers' BertTokenizer (tokenizers-backed in transformers 5) loaded from the
    model folder with the MoRE authors' call `tok(a, b, max_length=..., padding="max_length",
    truncation=True)` — must be identical;
  * documented, not asserted: transformers' pure-Python BertTokenizerLegacy removes one token at a
    time from the longer sequence and, on a tie, from the second one, which leaves the *first*
    sequence one token longer when the budget is odd; the Rust library (which both MoRE models
    use) gives the extra token to the longer sequence, and on a tie to the second. `legacy_ids`
    records the legacy answer where it differs.

Run:  python3 -m venv v && v/bin/pip install tokenizers==0.23.3 transformers==5.24.0
      v/bin/python make_wordpiece_fixture.py [MODEL_DIR]     (default: <repo>/.cache/models/all-MiniLM-L6-v2,
      fetched by `make fetch-model`; writes expected.json next to this file)
"""

import json
import sys
from pathlib import Path

import tokenizers
from tokenizers import Tokenizer

OUT = Path(__file__).resolve().parent
REPO = OUT.parent.parent.parent

XRAY = "The report from Xray is: Moderate cardiomegaly with mild pulmonary edema."
ECG = "The report from ECG is: Sinus rhythm. Left ventricular hypertrophy."
LONG = ("Compared with the prior portable AP radiograph from 2 days ago, there is persistent moderate "
        "cardiomegaly with interval worsening of bilateral perihilar haziness.")

PAIRS = [(XRAY, ECG, n) for n in (3, 4, 16, 17, 24, 30, 38, 39, 40, 64)] + [
    (ECG, XRAY, 17),
    (XRAY, XRAY, 15),
    (XRAY, XRAY, 16),
    ("Sinus rhythm.", LONG, 20),
    (LONG, "Sinus rhythm.", 20),
    ("", ECG, 10),
]
SINGLES = [(LONG, 10), (LONG, 2), ("Small left pleural effusion.", 16), ("", 4), (XRAY, 20)]

NORMALISATION = [
    "ctrl\u0001char\u0000nul\ufffdrepl\u200bzwsp\u00adshy\u0085nel",
    "nbsp\u00a0thin\u2009ideo\u3000line\u2028para\u2029end\u000bvt\u000cff",
    "combining e\u0301 a\u0308 \u0130stanbul \u03a3\u039f\u03a6\u0399\u0391 stra\u00dfe",
    "full\uff37\uff49\uff44\uff54\uff48 \ud55c\uad6d\uc5b4 \u3072\u3089\u304c\u306a \u30ab\u30bf\u30ab\u30ca \uf900\u4e00x",
    "quotes \u201cdouble\u201d \u2018single\u2019 \u2013 dash \u2014 em \u2026 ellipsis \u00bfque? \u00a7 \u00b0C \u00b1 \u00d7 \u2264",
    "math $5 + 3 = 8 < 9 > 7 ^ 2 | ~ ` @ # % & * _",
    "hello [SEP] world [CLS][MASK]x [sep] [UNK]",
    "\u00bd \u00b2 \u2167 \u0663 \u0e51 numbers",
]


def main():
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / ".cache/models/all-MiniLM-L6-v2"
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    import transformers
    transformers.logging.set_verbosity_error()
    from transformers import BertTokenizer
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy
    hf = BertTokenizer.from_pretrained(str(model_dir))
    legacy = BertTokenizerLegacy(vocab_file=str(model_dir / "vocab.txt"), do_lower_case=True)

    def rust(a, b, n):
        tok.enable_truncation(max_length=n, strategy="longest_first")
        tok.enable_padding(pad_id=0, pad_token="[PAD]", length=n)
        return tok.encode(a, b) if b is not None else tok.encode(a)

    cases = []
    for a, b, n in PAIRS + [(t, None, n) for t, n in SINGLES]:
        e = rust(a, b, n)
        args = (a, b) if b is not None else (a,)
        h = hf(*args, max_length=n, padding="max_length", truncation=True)
        if (h["input_ids"], h["token_type_ids"], h["attention_mask"]) != (e.ids, e.type_ids, e.attention_mask):
            sys.exit(f"transformers BertTokenizer disagrees with tokenizers on {a!r} / {b!r} / {n}")
        case = {"a": a, "b": b, "max_length": n, "ids": e.ids, "type_ids": e.type_ids,
                "attention_mask": e.attention_mask, "tokens": e.tokens}
        try:
            lg = legacy(*args, max_length=n, padding="max_length", truncation="longest_first")["input_ids"]
            if lg != e.ids:
                case["legacy_ids"] = lg
        except Exception as err:  # the legacy class may refuse budgets below the special tokens
            case["legacy_error"] = str(err)[:200]
        cases.append(case)

    tok.no_truncation()
    tok.no_padding()
    normalisation = []
    for text in NORMALISATION:
        e = tok.encode(text)
        if hf(text)["input_ids"] != e.ids:
            sys.exit(f"transformers BertTokenizer disagrees with tokenizers on {text!r}")
        lg = legacy(text)["input_ids"]
        normalisation.append({"text": text, "ids": e.ids, "tokens": e.tokens,
                              "legacy_python_tokenizer_agrees": lg == e.ids})

    out = {
        "description": "longest_first truncation + max_length padding with the all-MiniLM-L6-v2 vocab; "
                       "reference tokenizers (Rust) from tokenizer.json, cross-checked with transformers' "
                       "BertTokenizer; legacy_ids = transformers' pure-Python BertTokenizerLegacy where it differs.",
        "versions": {"tokenizers": tokenizers.__version__, "transformers": __import__("transformers").__version__},
        "cases": cases,
        "normalisation": normalisation,
    }
    (OUT / "expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote expected.json: {len(cases)} truncation cases (legacy differs in "
          f"{sum('legacy_ids' in c for c in cases)}), {len(normalisation)} normalisation strings "
          f"(legacy differs in {sum(not n['legacy_python_tokenizer_agrees'] for n in normalisation)})")


if __name__ == "__main__":
    main()
