"""Speculative decoding with grammar-aware draft trees, against decoding without drafts and
against `transformers` prompt-lookup decoding with corral's logits processor, in one run.

    python benches/draft_bench.py [--json 12] [--sql 12] [--max-new-tokens 256] [--markdown]
        [--plot benches/plots/draft_tree_size.png] [--scale]

Tasks: JSON Schema (every k-th JSONSchemaBench dev schema, the prompt naming it, the
generate profile) and SQL (questions over three Spider-like SQLite databases built here,
`corral.sql.grammar_for_sqlite`). Greedy, the demo model on CPU (one thread). Every drafter
first learns from `--warm` other dev schemas and other questions over the same databases
(what a server answered before; none is a task). Then each task runs twice: the first
round sees each task for the first time (the drafter keeps learning across the tasks as a
server would), the second repeats the same requests (what a warm drafter gives on repeated
work). The mode "both, flat cost" fills 64-node trees and recycles every fed row: the
tokens per forward pass of a device whose pass time does not grow with the tree (a GPU);
its CPU wall time is not that regime's.

Reported per mode: tokens per forward pass (forced tokens counted as generated), wall time
per output token, drafting time per step against the forward pass, outputs identical to
plain greedy. Prompt-lookup: `model.generate(..., logits_processor=[GrammarLogitsProcessor],
prompt_lookup_num_tokens=10)` against the same call without it (forward passes counted by a
hook; no jump-forward on that path). `--plot`: tokens per forward against a fixed tree size,
with the grammar pruning the drafts and without. `--scale`: the same on a larger random
Llama-style model (wall-time trend as the forward pass grows).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent

SPIDER_LIKE = {
    "concert_singer": (
        """
        CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, location TEXT, name TEXT,
            capacity INTEGER, highest INTEGER, lowest INTEGER, average INTEGER);
        CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT,
            song_name TEXT, song_release_year TEXT, age INTEGER, is_male BOOLEAN);
        CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, theme TEXT,
            stadium_id INTEGER REFERENCES stadium(stadium_id), year TEXT);
        CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
            singer_id INTEGER REFERENCES singer(singer_id));
        """,
        [
            "How many singers do we have?",
            "Show the name and capacity of every stadium, largest first.",
            "What is the average age of singers from France?",
            "List the names of singers who performed in a concert in 2014.",
        ],
    ),
    "pets": (
        """
        CREATE TABLE student (stuid INTEGER PRIMARY KEY, lname TEXT, fname TEXT, age INTEGER,
            sex TEXT, major INTEGER, advisor INTEGER, city_code TEXT);
        CREATE TABLE pets (petid INTEGER PRIMARY KEY, pettype TEXT, pet_age INTEGER,
            weight REAL);
        CREATE TABLE has_pet (stuid INTEGER REFERENCES student(stuid),
            petid INTEGER REFERENCES pets(petid));
        """,
        [
            "Find the number of pets whose weight is heavier than 10.",
            "What is the average age of dogs?",
            "Find the first names of students who have a cat.",
            "How many students have no pet?",
        ],
    ),
    "employee_hire": (
        """
        CREATE TABLE employee (employee_id INTEGER PRIMARY KEY, name TEXT, age INTEGER,
            city TEXT);
        CREATE TABLE shop (shop_id INTEGER PRIMARY KEY, name TEXT, location TEXT,
            district TEXT, number_products INTEGER, manager_name TEXT);
        CREATE TABLE hiring (shop_id INTEGER REFERENCES shop(shop_id),
            employee_id INTEGER REFERENCES employee(employee_id), start_from TEXT,
            is_full_time BOOLEAN);
        CREATE TABLE evaluation (employee_id INTEGER REFERENCES employee(employee_id),
            year_awarded TEXT, bonus REAL);
        """,
        [
            "Sort employee names by their age in ascending order.",
            "Which city do the most employees come from?",
            "Find the name of the shop with the most products.",
            "What is the total bonus given in all evaluations?",
        ],
    ),
}


# Other questions over the same databases: what a server answered before
# (`--warm`), never the measured tasks.
WARM_SQL = {
    "concert_singer": [
        "How many concerts are there?",
        "List every singer's name and country, oldest first.",
        "What is the highest capacity of any stadium?",
    ],
    "pets": [
        "How many pets are there?",
        "List the last names of students older than 20.",
        "What is the maximum weight of each pet type?",
    ],
    "employee_hire": [
        "How many employees are there?",
        "List the names of shops in each district.",
        "Which employees are from the city of Bristol?",
    ],
}


def json_tasks(n: int, offset: int = 0, skip: frozenset[str] = frozenset()) -> list[Any]:
    """Every k-th dev schema that compiles (from `offset`), `skip` left out."""
    import corral
    from corral.decoding import schema_prompt

    files = sorted((ROOT / "tests/data/jsonschemabench-dev").glob("*.json"))
    step = max(1, len(files) // max(n, 1))
    out = []
    for f in files[offset::step]:
        if f.stem in skip:
            continue
        schema = json.loads(f.read_text()).get("schema")
        if not isinstance(schema, dict):
            continue
        try:
            g = corral.Grammar.from_json_schema(schema, profile="generate")
        except corral.CorralError:
            continue  # refused by the strict compile: not a drafting task
        out.append((f.stem, schema_prompt(schema, f.stem), g))
        if len(out) == n:
            break
    return out


def sql_tasks(n: int, tmp: Path, warm: bool = False) -> list[tuple[str, str, Any]]:
    from corral.sql import grammar_for_sqlite

    out = []
    for name, (ddl, questions) in SPIDER_LIKE.items():
        db = tmp / f"{name}.db"
        if not db.exists():
            con = sqlite3.connect(db)
            con.executescript(ddl)
            con.close()
        g = grammar_for_sqlite(db)
        for q in WARM_SQL[name] if warm else questions:
            out.append((f"{name}: {q}", f"SQL:\n-- {q}\n", g))
    return out[:n]


FLAT = "both, flat cost (64 nodes)"


def run_mode(
    model: Any, tok: Any, tasks: list[Any], mode: str, args: Any, warm: list[Any]
) -> dict[str, Any]:
    """Two rounds over `tasks` (after the drafter learned from `warm`)."""
    import corral

    if mode == "plain":
        drafter = None
    elif mode == FLAT:
        # What a pass whose time does not grow with the tree gives (a GPU's
        # regime): trees fill 64 nodes, every fed row is recycled.
        drafter = corral.Drafter(
            len(tok), source="both", cost_aware=False, min_nodes=64, max_nodes=64, start_nodes=64
        )
    else:
        drafter = corral.Drafter(len(tok), source=mode)
    for _, prompt, grammar in warm if drafter is not None else []:
        # A generation that stops at a dead end (docs/exactness.md) still taught.
        with contextlib.suppress(corral.CorralError):
            corral.generate(
                model, tok, prompt, grammar, max_new_tokens=args.max_new_tokens, draft=drafter
            )
    rounds = []
    outputs: dict[str, list[int]] = {}
    for _ in range(2):
        tokens = passes = 0
        seconds = draft_s = model_s = 0.0
        texts = []
        for name, prompt, grammar in tasks:
            r = corral.generate(
                model, tok, prompt, grammar, max_new_tokens=args.max_new_tokens, draft=drafter
            )
            s = r.stats
            tokens += s.new_tokens
            passes += s.forward_passes
            seconds += s.seconds
            draft_s += s.draft_seconds
            model_s += s.model_seconds
            texts.append((name, r.tokens))
        rounds.append(
            {
                "tokens": tokens,
                "passes": passes,
                "tpf": tokens / passes,
                "ms_per_token": 1000 * seconds / tokens,
                "draft_us_per_step": 1e6 * draft_s / passes,
                "forward_ms_per_step": 1000 * model_s / passes,
                "texts": texts,
            }
        )
    outputs = {n: t for n, t in rounds[0]["texts"]}
    return {"mode": mode, "rounds": rounds, "outputs": outputs}


def prompt_lookup(model: Any, tok: Any, tasks: list[Any], args: Any) -> dict[str, Any]:
    import torch
    from corral.transformers import GrammarLogitsProcessor

    calls = [0]
    hook = model.register_forward_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
    res = {}
    try:
        for label, extra in (
            ("processor", {}),
            ("prompt lookup", {"prompt_lookup_num_tokens": 10}),
        ):
            tokens = 0
            calls[0] = 0
            t0 = time.perf_counter()
            for _, prompt, grammar in tasks:
                enc = tok(prompt, return_tensors="pt")
                proc = GrammarLogitsProcessor(grammar, tok)
                with torch.inference_mode():
                    out = model.generate(
                        **enc,
                        logits_processor=[proc],
                        max_new_tokens=args.max_new_tokens,
                        do_sample=False,
                        pad_token_id=tok.eos_token_id,
                        **extra,
                    )
                tokens += out.shape[1] - enc["input_ids"].shape[1]
            seconds = time.perf_counter() - t0
            res[label] = {
                "tpf": tokens / max(calls[0], 1),
                "ms_per_token": 1000 * seconds / tokens,
            }
    finally:
        hook.remove()
    return res


def tree_size_sweep(model: Any, tok: Any, tasks: list[Any], sizes: list[int], args: Any) -> Any:
    import corral
    from corral._draft import run_drafted
    from corral._inputs import Decoding, bind

    rows = []
    for guided in (True, False):
        for n in sizes:
            d = corral.Drafter(len(tok), min_nodes=n, max_nodes=n, start_nodes=n, cost_aware=False)
            tokens = passes = 0
            for round_ in range(2):
                for _, prompt, grammar in tasks:
                    cg = bind(grammar, tok, len(tok), None)
                    opts = Decoding(max_new_tokens=args.max_new_tokens)
                    run = run_drafted(model, tok, prompt, cg, d, opts, guided)
                    while True:
                        try:
                            next(run)
                        except StopIteration as stop:
                            r = stop.value
                            break
                    if round_ == 0:
                        continue  # warm-up: the tables fill
                    tokens += r.stats.new_tokens
                    passes += r.stats.forward_passes
            rows.append((guided, n, tokens / passes))
            print(
                f"  tree size {n:3d} {'pruned' if guided else 'unpruned'}: "
                f"{tokens / passes:.2f} tokens per forward",
                file=sys.stderr,
            )
    return rows


def plot(rows: Any, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for guided, label in ((True, "drafts pruned by the grammar"), (False, "unpruned drafts")):
        xs = [n for g, n, _ in rows if g == guided]
        ys = [t for g, _, t in rows if g == guided]
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("draft tree size (nodes)")
    ax.set_ylabel("tokens per forward pass")
    ax.set_title("Demo model, JSON Schema tasks, greedy, warm drafter,\nfixed tree size")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", type=int, default=12, help="JSON Schema tasks")
    ap.add_argument("--sql", type=int, default=12, help="SQL tasks")
    ap.add_argument("--max-new-tokens", type=int, default=256)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--plot", type=Path, help="the tree-size plot (PNG)")
    ap.add_argument("--sizes", default="1,2,4,8,16,32,64")
    ap.add_argument("--scale", action="store_true", help="also a larger random model")
    ap.add_argument("--sweep-only", action="store_true", help="only the tree-size plot")
    ap.add_argument(
        "--warm",
        type=int,
        default=40,
        help="dev schemas (and SQL questions) each drafter learns from before the measured "
        "tasks, none of them a task",
    )
    args = ap.parse_args()

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(ROOT / "models/demo")
    demo = AutoModelForCausalLM.from_pretrained(ROOT / "models/demo", dtype=torch.float32).eval()
    tmp = Path(tempfile.mkdtemp())
    suites = {"JSON Schema": json_tasks(args.json), "SQL": sql_tasks(args.sql, tmp)}
    names = frozenset(t[0] for t in suites["JSON Schema"])
    warmups = {
        "JSON Schema": json_tasks(args.warm, offset=17, skip=names) if args.warm else [],
        "SQL": sql_tasks(len(WARM_SQL) * 3, tmp, warm=True) if args.warm else [],
    }
    models = [("demo model (9.8M)", demo)]
    if args.scale:
        from transformers import LlamaConfig, LlamaForCausalLM

        torch.manual_seed(0)
        cfg = LlamaConfig(
            vocab_size=len(tok),
            hidden_size=512,
            intermediate_size=1408,
            num_hidden_layers=8,
            num_attention_heads=8,
            num_key_value_heads=8,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
        )
        big = LlamaForCausalLM(cfg).eval()
        n = sum(p.numel() for p in big.parameters()) / 1e6
        models.append((f"random Llama ({n:.0f}M)", big))
    lines = []
    for mname, model in [] if args.sweep_only else models:
        for sname, tasks in suites.items():
            warm = warmups[sname]
            if mname != models[0][0]:
                tasks = tasks[: max(3, len(tasks) // 3)]
                warm = warm[: len(warm) // 4]
            results = [
                run_mode(model, tok, tasks, m, args, warm)
                for m in ("plain", "recycling", "ngram", "both", FLAT)
            ]
            plain = results[0]
            pl = prompt_lookup(model, tok, tasks, args)
            lines.append(
                f"\n**{sname}, {mname}**: {len(tasks)} tasks, greedy, "
                f"max_new_tokens {args.max_new_tokens}, drafters warmed on {len(warm)} others\n"
            )
            lines.append(
                "| mode | tokens/forward (first, repeat) | ms/token (first, repeat) | "
                "vs plain (first, repeat) | drafting µs/step | forward ms/step | "
                "output = plain greedy |"
            )
            lines.append("|---|---|---|---|---|---|---|")
            for r in results:
                a, b = r["rounds"]
                same = sum(r["outputs"][k] == plain["outputs"][k] for k in plain["outputs"])
                p0, p1 = plain["rounds"]
                lines.append(
                    f"| {r['mode']} | {a['tpf']:.2f}, {b['tpf']:.2f} | "
                    f"{a['ms_per_token']:.2f}, {b['ms_per_token']:.2f} | "
                    f"{p0['ms_per_token'] / a['ms_per_token']:.2f}x, "
                    f"{p1['ms_per_token'] / b['ms_per_token']:.2f}x | "
                    f"{a['draft_us_per_step']:.0f} | {a['forward_ms_per_step']:.1f} | "
                    f"{same}/{len(plain['outputs'])} |"
                )
            for label, r in pl.items():
                lines.append(
                    f"| transformers generate, {label} | {r['tpf']:.2f} | {r['ms_per_token']:.2f} "
                    f"| | | | |"
                )
            print("\n".join(lines[-(len(results) + len(pl) + 3) :]), file=sys.stderr)
    if args.plot:
        rows = tree_size_sweep(
            demo, tok, suites["JSON Schema"][:6], [int(x) for x in args.sizes.split(",")], args
        )
        plot(rows, args.plot)
        lines.append(
            "\nTree size sweep (JSON Schema, six tasks, warm drafter): "
            + ", ".join(f"{n}: {t:.2f}{'' if g else ' (unpruned)'}" for g, n, t in rows)
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
