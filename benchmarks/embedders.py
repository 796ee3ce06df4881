"""Speed and quality of memlab's embedders.

Speed (any venv; static embedder only unless --minilm): the shipped static embedder embeds
tens of thousands of sentences per second on 2 cores.

    .venv/bin/python benchmarks/embedders.py --n 100000
    .venv/bin/python benchmarks/embedders.py --n 2000 --repeat 1 --minilm   # + numpy MiniLM

The numpy MiniLM against sentence-transformers (needs sentence-transformers and torch):

    .venv/bin/python benchmarks/embedders.py --check

Quality of the static model against the neural MiniLM it was distilled from (needs a venv with
the `neural` extra, e.g. /work/distill-venv; see docs/static-embedder.md):

    /work/distill-venv/bin/python benchmarks/embedders.py --quality [--static-path DIR ...]

The quality sets are generated here, deterministically (seeded), so the numbers can be rerun:
- "people": 100 named people x 3 facts each (job, pet, home, dislike, hobby, family, ...); a
  question about one fact must find that memory among all 300 (the name narrows it to three, the
  meaning must pick the right one);
- "profile": 60 hand-written facts about the user, each with a question that shares few words
  with it, searched among those 60 plus the 300 people memories as distractors;
- a BM25 (bm25s) row as the lexical baseline, when bm25s is installed;
- rank agreement: Spearman correlation between the static and the MiniLM cosine over 2,000
  random text pairs, and how many of MiniLM's top-5 neighbours the static model also returns.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

import numpy as np

from memlab.recall.embedders import (
    Embedder,
    SentenceTransformerEmbedder,
    StaticEmbedder,
    get_embedder,
)


def words(text: str) -> list[str]:
    return text.split()


WORDS = words(
    "user lives in lisbon loves sushi works as nurse has two cats plays tennis on sundays "
    "sister ana moved to berlin last spring allergic peanuts drives old blue car prefers "
    "tea over coffee birthday is in march studying spanish online visits parents every "
    "weekend"
)


def short_sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))) for _ in range(n)]


def bench_speed(embedder_factory: Callable[[], Embedder], n: int, repeat: int) -> None:
    started = time.perf_counter()
    embedder = embedder_factory()
    load_s = time.perf_counter() - started
    texts = short_sentences(n)
    embedder.embed(texts[:100])  # warm up
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        vectors = embedder.embed(texts)
        rates.append(n / (time.perf_counter() - started))
    print(
        f"{embedder.name}: dim={embedder.dim} load {load_s:.2f} s; {n:,} sentences x {repeat}: "
        f"median {float(np.median(rates)):,.0f}, best {max(rates):,.0f} sentences/s "
        f"(shape {vectors.shape}, {vectors.dtype})"
    )
    started = time.perf_counter()
    for text in texts[:200]:
        embedder.embed([text])
    print(f"{embedder.name}: one query {1000 * (time.perf_counter() - started) / 200:.2f} ms")


# ---------------------------------------------------------------- quality sets

FIRST = words(
    "Ana Bruno Carla Diego Elena Farid Greta Hugo Ines Jonas Keiko Luca Maya Nadia Omar "
    "Priya Quentin Rosa Samir Tomas Uma Viktor Wen Ximena Yusuf"
)
LAST = words("Silva Novak Okafor Lindqvist")

# (memory template, question template, slot values)
FACTS: list[tuple[str, str, list[str]]] = [
    (
        "{n} works as a {v} at the regional hospital.",
        "What does {n} do for a living?",
        ["nurse", "radiologist", "porter", "pharmacist", "surgeon"],
    ),
    (
        "{n} adopted a {v} from the shelter last year.",
        "Which animal does {n} keep as a pet?",
        ["beagle", "tabby cat", "parrot", "rabbit", "tortoise"],
    ),
    (
        "{n} moved to {v} in the spring.",
        "In which city is {n} living these days?",
        ["Lisbon", "Berlin", "Osaka", "Nairobi", "Toronto"],
    ),
    (
        "{n} can't stand {v} and never orders it.",
        "Which food does {n} dislike?",
        ["sushi", "olives", "mushroom risotto", "blue cheese", "spicy curry"],
    ),
    (
        "Every weekend {n} goes {v}.",
        "How does {n} like to spend free time?",
        ["rock climbing", "sailing", "trail running", "birdwatching", "cycling"],
    ),
    (
        "{n}'s younger brother is studying {v} at university.",
        "What subject is {n}'s sibling taking at college?",
        ["law", "architecture", "chemistry", "philosophy", "medicine"],
    ),
    (
        "{n} drives a {v} to the office.",
        "What car does {n} commute in?",
        ["red hatchback", "electric sedan", "vintage van", "small pickup", "hybrid SUV"],
    ),
    (
        "{n} was born in {v}.",
        "When is {n}'s birthday?",
        ["January", "April", "July", "October", "December"],
    ),
]

PROFILE: list[tuple[str, str]] = [
    ("I'm allergic to peanuts and carry an epipen.", "Does the user have any food allergies?"),
    ("I live in a small flat near the harbour in Porto.", "Where is the user's home?"),
    ("My daughter Lina just started primary school.", "Does the user have children?"),
    ("I switched to decaf because caffeine keeps me awake.", "What does the user drink now?"),
    ("I've been learning Japanese for two years.", "Which foreign language is the user studying?"),
    ("My knee surgery is scheduled for next Tuesday.", "Does the user have a medical procedure?"),
    ("I work night shifts at a warehouse.", "What hours does the user work?"),
    ("We're saving up to buy a house next year.", "What is the user's financial goal?"),
    ("I'm vegetarian, no meat or fish for me.", "What diet does the user follow?"),
    ("My favourite band is Radiohead.", "What music does the user like?"),
    ("I run a half marathon every autumn.", "What sport does the user do?"),
    ("I'm terrified of flying, I always take the train.", "How does the user prefer to travel?"),
    ("My partner and I got married in June.", "Is the user married?"),
    ("I have type 1 diabetes and check my sugar often.", "Does the user have a chronic illness?"),
    ("I teach maths at a secondary school.", "What is the user's profession?"),
    ("I'm reading a biography of Marie Curie.", "What book is the user into?"),
    ("My old laptop broke, I'm using a tablet for now.", "What device is the user using?"),
    ("I grew up on a farm in Alentejo.", "Where did the user spend their childhood?"),
    ("I prefer to be called Sam, not Samantha.", "What name should we use for the user?"),
    ("My mother is recovering from a stroke.", "Is a family member of the user unwell?"),
    ("I'm colourblind, so red and green look the same to me.", "Does the user see colours?"),
    ("I play the cello in a community orchestra.", "Which instrument does the user play?"),
    ("I'm trying to cut down on sugar.", "Is the user on any diet or health goal?"),
    ("I don't own a car, I cycle everywhere.", "How does the user get around town?"),
    ("We have a golden retriever named Biscuit.", "Does the user have a dog?"),
    ("My budget for the trip is about 2000 euros.", "How much can the user spend on travel?"),
    ("I'm left-handed.", "Which hand does the user write with?"),
    ("I finished my PhD in marine biology.", "What did the user study?"),
    ("My rent went up by 15 percent this year.", "Did the user's housing costs change?"),
    ("I get migraines when I look at screens too long.", "Does the user suffer from headaches?"),
    ("I volunteer at the food bank on Saturdays.", "Does the user do charity work?"),
    ("I hate cilantro, it tastes like soap to me.", "Which herb does the user avoid?"),
    ("My sister lives in Melbourne.", "Where is the user's sibling based?"),
    ("I'm planning to quit my job in the spring.", "Is the user thinking about a career change?"),
    ("I sleep badly since the neighbours got a puppy.", "Why is the user tired?"),
    ("I use a wheelchair since my accident.", "Does the user have mobility needs?"),
    ("My favourite food is my grandmother's lasagne.", "What dish does the user love most?"),
    ("I have an interview at a bank on Friday.", "Does the user have a job appointment soon?"),
    ("I only watch documentaries, never sitcoms.", "What kind of TV does the user enjoy?"),
    ("I'm saving my vacation days for a trip to Peru.", "Where does the user want to go?"),
    ("My phone number changed last month.", "Has the user's contact information changed?"),
    ("I speak Portuguese at home and English at work.", "Which languages does the user use?"),
    ("I'm pregnant with our second child.", "Is the user expecting a baby?"),
    ("I can't eat gluten because of coeliac disease.", "Can the user have bread?"),
    ("I'm a night owl and rarely sleep before 2am.", "When does the user go to bed?"),
    ("I collect vintage vinyl records.", "What is the user's hobby?"),
    ("My car is in the garage for repairs all week.", "Is the user's vehicle available?"),
    ("I'm afraid of deep water and can't swim.", "Can the user swim?"),
    ("I recently got promoted to team lead.", "Did the user's role at work change?"),
    ("My landlord won't fix the broken heating.", "Does the user have a problem with their home?"),
    ("I meditate for twenty minutes each morning.", "What is the user's morning routine?"),
    ("I'm lactose intolerant.", "Can the user drink milk?"),
    ("My best friend Tom is moving to Canada.", "Is someone close to the user relocating?"),
    ("I failed my driving test twice.", "Does the user have a driver's licence?"),
    ("I love hiking in the Alps in summer.", "What does the user do on holiday?"),
    ("I wear glasses for reading.", "Does the user have eyesight issues?"),
    (
        "Our wedding anniversary is on the 3rd of May.",
        "When does the user celebrate with their spouse?",
    ),
    ("I'm a huge fan of Formula 1.", "Which sport does the user follow on TV?"),
    ("I'm trying to learn to cook Thai food.", "Which cuisine is the user practising?"),
    ("My son is allergic to cats.", "Can the user's child be around pets?"),
]


def people_set(seed: int = 0) -> tuple[list[str], list[str], list[int]]:
    rng = random.Random(seed)
    memories: list[str] = []
    queries: list[str] = []
    gold: list[int] = []
    names = [f"{first} {last}" for last in LAST for first in FIRST]
    for name in names:
        for memory_t, query_t, values in rng.sample(FACTS, 3):
            gold.append(len(memories))
            memories.append(memory_t.format(n=name, v=rng.choice(values)))
            queries.append(query_t.format(n=name))
    return memories, queries, gold


def bm25_scores(memories: Sequence[str], queries: Sequence[str]) -> np.ndarray:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(list(memories), stopwords="en", show_progress=False), show_progress=False
    )
    tokenized = bm25s.tokenize(list(queries), stopwords="en", return_ids=False, show_progress=False)
    return np.vstack([retriever.get_scores(tokens) for tokens in tokenized])


def retrieval(scores: np.ndarray, gold: Sequence[int]) -> dict[str, float]:
    # Ties count against the gold memory (BM25 gives many zero scores).
    ranks = np.array([int((row >= row[g]).sum()) - 1 for row, g in zip(scores, gold, strict=True)])
    return {
        "recall@1": float(np.mean(ranks < 1)),
        "recall@5": float(np.mean(ranks < 5)),
        "mrr": float(np.mean(1.0 / (ranks + 1))),
    }


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])


def bench_quality(static_paths: Sequence[str]) -> None:
    people_mem, people_q, people_gold = people_set()
    prof_mem = [m for m, _ in PROFILE]
    prof_q = [q for _, q in PROFILE]
    prof_all = prof_mem + people_mem
    prof_gold = list(range(len(PROFILE)))
    texts = people_mem + people_q + prof_mem + prof_q
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(texts), size=(2000, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]

    teacher = get_embedder("minilm")  # numpy MiniLM: the same vectors, no torch
    embedders: list[Embedder] = [teacher, StaticEmbedder()]
    embedders += [StaticEmbedder(path) for path in static_paths]
    teacher_vecs = teacher.embed(texts)
    teacher_cos = np.einsum("ij,ij->i", teacher_vecs[pairs[:, 0]], teacher_vecs[pairs[:, 1]])
    teacher_top = np.argsort(-(teacher_vecs @ teacher_vecs.T), axis=1)[:, 1:6]

    print(
        f"people: {len(people_q)} questions over {len(people_mem)} memories; "
        f"profile: {len(prof_q)} questions over {len(prof_all)} memories; "
        f"{len(pairs)} random pairs for rank agreement"
    )
    header = f"{'embedder':<28}{'dim':>5}  {'people r@1':>10} {'r@5':>6} {'mrr':>6}"
    header += f"  {'profile r@1':>11} {'r@5':>6} {'mrr':>6}  {'spearman':>8} {'top5∩':>6}"
    print(header)
    try:
        people = retrieval(bm25_scores(people_mem, people_q), people_gold)
        profile = retrieval(bm25_scores(prof_all, prof_q), prof_gold)
        print(
            f"{'bm25s (lexical baseline)':<28}{'-':>5}  {people['recall@1']:>10.3f} "
            f"{people['recall@5']:>6.3f} {people['mrr']:>6.3f}  {profile['recall@1']:>11.3f} "
            f"{profile['recall@5']:>6.3f} {profile['mrr']:>6.3f}  {'-':>8} {'-':>6}"
        )
    except ImportError:
        print("(bm25s not installed: no lexical baseline)")
    for embedder in embedders:
        people_scores = embedder.embed(people_q) @ embedder.embed(people_mem).T
        people = retrieval(people_scores, people_gold)
        profile = retrieval(embedder.embed(prof_q) @ embedder.embed(prof_all).T, prof_gold)
        vecs = embedder.embed(texts)
        cos = np.einsum("ij,ij->i", vecs[pairs[:, 0]], vecs[pairs[:, 1]])
        top = np.argsort(-(vecs @ vecs.T), axis=1)[:, 1:6]
        overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(top, teacher_top, strict=True)])
        print(
            f"{embedder.name:<28}{embedder.dim:>5}  {people['recall@1']:>10.3f} "
            f"{people['recall@5']:>6.3f} {people['mrr']:>6.3f}  {profile['recall@1']:>11.3f} "
            f"{profile['recall@5']:>6.3f} {profile['mrr']:>6.3f}  "
            f"{spearman(cos, teacher_cos):>8.3f} {overlap:>6.3f}"
        )


def check_against_sentence_transformers() -> None:
    """Cosine of numpy MiniLM's vectors with sentence-transformers' on varied sentences."""
    people_mem, people_q, _ = people_set()
    texts = ["", "a", "Café naïve résumé, 東京 🙂!", "word " * 400]  # empty, unicode, cut at 256
    texts += people_mem[:120] + people_q[:60] + [m for m, _ in PROFILE] + short_sentences(100)
    ours = get_embedder("minilm").embed(texts)
    ref = SentenceTransformerEmbedder().embed(texts)
    cos = (ours * ref).sum(axis=1)
    print(
        f"numpy MiniLM vs sentence-transformers on {len(texts)} texts: cosine min "
        f"{cos.min():.7f}, mean {cos.mean():.7f}; max |difference| {np.abs(ours - ref).max():.2e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="sentences for the speed test")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the speed test")
    parser.add_argument(
        "--minilm",
        action="store_true",
        help="also time the numpy MiniLM (and sentence-transformers')",
    )
    parser.add_argument(
        "--check", action="store_true", help="compare numpy MiniLM with sentence-transformers"
    )
    parser.add_argument("--quality", action="store_true", help="compare with MiniLM instead")
    parser.add_argument(
        "--static-path", action="append", default=[], help="extra static model folders to compare"
    )
    args = parser.parse_args()
    if args.check:
        check_against_sentence_transformers()
        return
    if args.quality:
        bench_quality(args.static_path)
        return
    bench_speed(StaticEmbedder, args.n, args.repeat)
    if args.minilm:
        bench_speed(lambda: get_embedder("minilm"), min(args.n, 2_000), 1)
        try:
            bench_speed(SentenceTransformerEmbedder, min(args.n, 2_000), 1)
        except Exception as exc:  # optional: absent in a torch-free venv
            print(f"sentence-transformers: not timed ({exc})")


if __name__ == "__main__":
    main()
