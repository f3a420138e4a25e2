"""The identifying-details check of a 5,000-word article against 4,000 members, 1,000 companies.

    .venv/bin/python bench/identifying.py [--repeat 20]

Builds French-looking names (accents, hyphens, apostrophes), an article of 5,000 words that
mentions 30 of them in other spellings (no accents, other case, hyphens as spaces) plus e-mail
addresses and phone numbers, then times, interleaved in one run:

- Copa: training.articles.identifying (index built once per program, then the scan);
- baseline: one regular expression alternating every folded name, over the folded text (the
  obvious way to write it), which finds names but not their places in the original text.

Target: the check under 200 ms.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from training.articles.identifying import build_index, find_identifying_details, fold  # noqa: E402

FIRST = [
    "Émilie",
    "Jean-François",
    "Marie-Ève",
    "Gaétan",
    "Hélène",
    "Josée",
    "André",
    "Benoît",
    "Chloé",
    "Zoé",
    "Léa",
    "Noël",
]
LAST = [
    "Côté",
    "Gagnon",
    "Tremblay",
    "Bélanger",
    "Lévesque",
    "D'Amours",
    "Bouchard-Roy",
    "Fréchette",
    "Théberge",
]
TRADES = [
    "Ébénisterie",
    "Logiciels",
    "Conseils",
    "Métallurgie",
    "Boulangerie",
    "Studio",
    "Atelier",
    "Usinage",
]
FILLER = [
    "la",
    "structure",
    "salariale",
    "de",
    "chaque",
    "entreprise",
    "dépend",
    "du",
    "marché",
    "des",
    "talents",
    "en",
    "technologies",
    "de",
    "l'information",
    "et",
    "des",
    "pratiques",
    "de",
    "rémunération",
    "observées",
]


def world(seed: int = 7):
    rng = random.Random(seed)
    members = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}", f"membre{i}@entreprise{i % 1000}.example")
        for i in range(4000)
    ]
    companies = [f"{rng.choice(TRADES)} {rng.choice(LAST)} {i}" for i in range(1000)]
    words = [rng.choice(FILLER) for _ in range(5000)]
    for k in range(30):
        name = rng.choice(companies if k % 2 else [m[0] for m in members])
        words[rng.randrange(len(words))] = fold(name) if k % 3 else name.upper()
    words[100] = "rh@exemple.ca"
    words[2000] = "514-555-1234"
    return members, companies, " ".join(words)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 20
    members, companies, text = world()
    index, emails = build_index(members, companies)
    names = sorted({fold(n) for n, _ in members} | {fold(c) for c in companies}, key=len)[::-1]
    alternation = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")

    def copa():
        return find_identifying_details(text, index, emails)

    def baseline():
        return alternation.findall(fold(text))

    results = {"copa check": [], "copa index build": [], "baseline regex": []}
    for _ in range(repeat):  # interleaved, so load drift hits both alike
        results["copa check"] += timed(copa, 1)
        results["copa index build"] += timed(lambda: build_index(members, companies), 1)
        results["baseline regex"] += timed(baseline, 1)
    found = copa()
    print(f"article: {len(text.split())} words; {len(members)} members, {len(companies)} companies")
    print(f"findings: {len(found)} (names {sum(f.kind in ('member', 'company') for f in found)})")
    print(f"{'what':<20}{'median ms':>11}{'p95 ms':>9}")
    for name, samples in results.items():
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
        print(f"{name:<20}{statistics.median(samples):>11.1f}{p95:>9.1f}")
    check = statistics.median(results["copa check"])
    base = statistics.median(results["baseline regex"])
    print(f"copa / baseline: {check / base:.2f}x; target: check under 200 ms")


if __name__ == "__main__":
    main()
