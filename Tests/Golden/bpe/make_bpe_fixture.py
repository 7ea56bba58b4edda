"""Byte-level BPE (RoBERTa / GPT-2) fixture for Tests/DatasetsTests/BPETests.swift.

No RoBERTa vocabulary is available offline, so this script trains a small byte-level BPE
(vocab 800) on clinical-style text it writes itself, saves `vocab.json` + `merges.txt`, and
records what Hugging Face gives for 25 strings, 9 pairs and 3 truncated singles in
`expected.json` (plus the pre-tokenisation regex's pieces through the `regex` module):

  * `tokenizers` (Rust) ByteLevelBPETokenizer loaded back from the two saved files, with the
    RoBERTa special tokens (<s>=0, <pad>=1, </s>=2, <unk>=3, <mask>=4, mask with lstrip as in
    roberta-base) and the RobertaProcessing post-processor;
  * cross-check 1: transformers' RobertaTokenizer (the class the MoRE authors used, built on the
    same two files) with the authors' call `tok(a, b, add_special_tokens=True, max_length=...,
    padding="max_length", truncation=True)` — must give identical ids;
  * cross-check 2: an independent pure-Python re-implementation of OpenAI's GPT-2 `encoder.py`
    (bytes_to_unicode, the pre-tokenisation regex through the `regex` module, lowest-rank merge
    loop) — must give identical ids for every string without special tokens.

Run:  python3 -m venv v && v/bin/pip install tokenizers==0.23.3 transformers==5.24.0 regex
      v/bin/python make_bpe_fixture.py            (writes next to this file)
"""

import json
import random
import sys
from pathlib import Path

import regex
import tokenizers
from tokenizers import AddedToken, ByteLevelBPETokenizer
from tokenizers.processors import RobertaProcessing

OUT = Path(__file__).resolve().parent
SPECIAL = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def corpus(n_lines=600, seed=2410):
    """Clinical-style training text: radiology and ECG report sentences from templates."""
    rng = random.Random(seed)
    sev = ["mild", "moderate", "severe", "small", "large", "trace", "minimal"]
    side = ["left", "right", "bilateral"]
    xr = ["pleural effusion", "pulmonary edema", "cardiomegaly", "atelectasis", "consolidation",
          "pneumothorax", "vascular congestion", "opacity", "pneumonia"]
    ecg = ["Sinus rhythm", "Sinus bradycardia", "Sinus tachycardia", "Atrial fibrillation",
           "Left ventricular hypertrophy", "Right bundle branch block", "Left axis deviation",
           "Inferior infarct, age undetermined", "Anterior ST elevation", "Prolonged QT interval",
           "Nonspecific ST-T wave changes", "1st degree A-V block", "Low QRS voltages"]
    verbs = ["is seen", "is noted", "has improved", "is unchanged", "has worsened", "is present"]
    lines = []
    for i in range(n_lines):
        k = rng.randrange(6)
        if k == 0:
            lines.append(f"The report from Xray is: {rng.choice(sev).capitalize()} {rng.choice(side)} "
                         f"{rng.choice(xr)} {rng.choice(verbs)}. No {rng.choice(xr)}.")
        elif k == 1:
            lines.append(f"The report from ECG is: {rng.choice(ecg)}. {rng.choice(ecg)}. "
                         f"{rng.choice(['Abnormal ECG', 'Borderline ECG', 'Normal ECG'])}.")
        elif k == 2:
            lines.append(f"FINDINGS: PA and lateral views of the chest. The {rng.choice(side)} lung "
                         f"is clear. There's no {rng.choice(xr)}; the heart isn't enlarged.")
        elif k == 3:
            lines.append(f"HR={rng.randint(40, 140)}/min, PR {rng.randint(120, 220)}ms, "
                         f"QRS {rng.randint(70, 160)}ms, QTc {rng.randint(360, 520)}ms (v{rng.randint(1, 6)}).")
        elif k == 4:
            lines.append(f"IMPRESSION: {rng.choice(sev)} {rng.choice(xr)}, compared with "
                         f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/20{rng.randint(10, 24)}; "
                         f"we'll re-check in {rng.randint(2, 9)} days.")
        else:
            lines.append(f"Patient's {rng.choice(xr)} {rng.choice(verbs)} and they're stable; "
                         f"don't miss the {rng.choice(side)} {rng.choice(xr)}.")
    lines += ["Sjögren syndrome, naïve café, Ödem, Röntgen.", "The patient is febrile 🙂."]
    return lines


TEXTS = [
    "Small left pleural effusion.",
    "The report from Xray is: Moderate cardiomegaly with mild pulmonary edema.",
    "The report from ECG is: Sinus rhythm. Left ventricular hypertrophy.",
    "don't re-check x-ray's; it's fine, we'll see. They're here, I'm sure you've read he'd left.",
    "  multiple   spaces\tand\ttabs\nand newlines  ",
    "HR=72/min, QTc 450ms (normal); 12-lead ECG @ 25mm/s.",
    "Sjögren syndrome; naïve café, Ödem",
    "emoji 🙂 here 👍🏽!",
    "肺炎 pneumonia",
    "",
    " leading space",
    "trailing space ",
    "\n\nLine one.\nLine two.\r\n",
    "UPPERCASE Words MiXeD 'S 'LL ''quoted''",
    "numbers 3.14159 and 1,000,000 and ½ ² Ⅻ ٣",
    "\"double\" ``back`` [brackets] {braces} <angle> a_b",
    "a  b   c    d",
    "NBSP\u00a0here and\u2009thin\u3000ideographic space",
    "combining e\u0301 vs precomposed \u00e9",
    "<mask> token, a <mask> and <s> inside </s>",
    "Compared with the prior portable AP radiograph from 2 days ago, there is persistent moderate "
    "cardiomegaly with interval worsening of bilateral perihilar haziness, no pneumothorax.",
    "x" * 300,
    "unknownwordsxyzzy supercalifragilistic zzzzqqqq",
    "tab\tbefore\t\tword and space\t end",
    "'s's 've'd 'm'll 're't",
]

PAIRS = [  # (a, b, max_length or None)
    (TEXTS[1], TEXTS[2], None),
    ("", "Sinus rhythm.", None),
    (TEXTS[1], TEXTS[2], 16),   # both truncated, a longer
    (TEXTS[2], TEXTS[1], 16),   # both truncated, b longer
    (TEXTS[1], TEXTS[2], 17),   # odd remainder
    ("Sinus rhythm.", TEXTS[1], 12),  # only the longer one truncated
    (TEXTS[1], TEXTS[1], 15),   # equal lengths, odd budget (tie rule)
    (TEXTS[1], TEXTS[1], 16),   # equal lengths, even budget
    (TEXTS[2], "Normal ECG.", 40),  # padded, not truncated
]

SINGLES_TRUNC = [(TEXTS[1], 8), (TEXTS[0], 32), ("", 6)]


def bytes_to_unicode():
    """OpenAI GPT-2 encoder.py, verbatim logic."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class GPT2Encoder:
    """Independent re-implementation of OpenAI's GPT-2 encoder.py (no special tokens)."""

    PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

    def __init__(self, vocab, merges):
        self.encoder = vocab
        self.ranks = {tuple(m.split()): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()

    def bpe(self, token):
        word = list(token)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            new, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    new.append(word[i] + word[i + 1]); i += 2
                else:
                    new.append(word[i]); i += 1
            word = new
        return word

    def encode(self, text):
        ids = []
        for piece in regex.findall(self.PAT, text):
            mapped = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids += [self.encoder[t] for t in self.bpe(mapped)]
        return ids


def main():
    trainer_tok = ByteLevelBPETokenizer()
    trainer_tok.train_from_iterator(corpus(), vocab_size=800, min_frequency=2, special_tokens=SPECIAL,
                                    show_progress=False)
    trainer_tok.save_model(str(OUT))
    vocab_path, merges_path = OUT / "vocab.json", OUT / "merges.txt"
    vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    assert [vocab[s] for s in SPECIAL] == [0, 1, 2, 3, 4], "special tokens must be ids 0...4"

    tok = ByteLevelBPETokenizer(str(vocab_path), str(merges_path))
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", AddedToken("<mask>", lstrip=True)])
    tok.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0))

    from transformers import RobertaTokenizer  # tokenizers-backed in transformers 5
    # from_pretrained on the folder, as for roberta-base (whose <mask> also has lstrip=True)
    hf = RobertaTokenizer.from_pretrained(str(OUT), mask_token=AddedToken("<mask>", lstrip=True, normalized=False,
                                                                          special=True))
    merges = [l for l in merges_path.read_text(encoding="utf-8").split("\n")[1:] if l]
    gpt2 = GPT2Encoder(vocab, merges)

    def rust(a, b=None, max_length=None, pad=False):
        tok.no_truncation(); tok.no_padding()
        if max_length is not None:
            tok.enable_truncation(max_length=max_length, strategy="longest_first")
            if pad:
                tok.enable_padding(pad_id=1, pad_token="<pad>", length=max_length)
        return tok.encode(a, b) if b is not None else tok.encode(a)

    mismatches = []
    singles = []
    for text in TEXTS:
        e = rust(text)
        h = hf(text, add_special_tokens=True)["input_ids"]
        if h != e.ids:
            mismatches.append(("transformers", text))
        independent = None
        if not any(s in text for s in SPECIAL):
            independent = gpt2.encode(text) == e.ids[1:-1]
            if not independent:
                mismatches.append(("gpt2-encoder.py", text))
        pieces = regex.findall(GPT2Encoder.PAT, text) if independent is not None else None
        singles.append({"text": text, "tokens": e.tokens, "ids": e.ids, "type_ids": e.type_ids,
                        "regex_pieces": pieces, "gpt2_encoder_py_agrees": independent})
    pairs = []
    for a, b, n in PAIRS:
        e = rust(a, b, n, pad=n is not None)
        kw = dict(max_length=n, padding="max_length", truncation=True) if n else {}
        h = hf(a, b, add_special_tokens=True, **kw)
        if h["input_ids"] != e.ids or h["attention_mask"] != e.attention_mask:
            mismatches.append(("transformers pair", a, b, n))
        pairs.append({"a": a, "b": b, "max_length": n, "ids": e.ids, "type_ids": e.type_ids,
                      "attention_mask": e.attention_mask, "tokens": e.tokens})
    truncated = []
    for text, n in SINGLES_TRUNC:
        e = rust(text, None, n, pad=True)
        h = hf(text, add_special_tokens=True, max_length=n, padding="max_length", truncation=True)
        if h["input_ids"] != e.ids:
            mismatches.append(("transformers single", text, n))
        truncated.append({"text": text, "max_length": n, "ids": e.ids, "attention_mask": e.attention_mask})
    if mismatches:
        sys.exit(f"implementations disagree: {mismatches}")

    out = {
        "description": "Byte-level BPE fixture (vocab.json + merges.txt trained here on synthetic clinical "
                       "text); ids from tokenizers' ByteLevelBPETokenizer with RobertaProcessing, checked "
                       "against transformers' RobertaTokenizer and an independent GPT-2 encoder.py.",
        "versions": {"tokenizers": tokenizers.__version__, "transformers": __import__("transformers").__version__,
                     "regex": regex.__version__, "python": sys.version.split()[0]},
        "special_ids": {s: vocab[s] for s in SPECIAL},
        "vocab_size": len(vocab),
        "singles": singles,
        "pairs": pairs,
        "singles_truncated_padded": truncated,
    }
    (OUT / "expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote vocab.json ({len(vocab)} tokens), merges.txt ({len(merges)} merges), expected.json; "
          f"{len(singles)} singles, {len(pairs)} pairs, {len(truncated)} truncated singles; all checks agree")


if __name__ == "__main__":
    main()
