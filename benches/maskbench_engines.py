"""maskbench's engines: corral, llguidance, xgrammar and outlines-core behind one
interface (`Engine`), for the walk and compile parts, and the regex part's engines walking
outlines-core's per-schema regexes (`RegexEngine`).
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import numpy as np
from maskbench_inputs import JSON_LARK, Instance, Tok, clock

MODULES = {  # engine (also its PyPI name) -> module
    "corral": "corral",
    "llguidance": "llguidance",
    "xgrammar": "xgrammar",
    "outlines-core": "outlines_core",
}
ENGINES = list(MODULES)
NO_INDEX = "no outlines-core Index for the schema"  # regex part: outlines-core says why


class Engine:
    """One engine bound to one tokenizer.

    `load` makes the engine's tokenizer/vocabulary (timed once, its own column),
    `compile_first_mask` compiles the generic grammar from scratch and fills one mask
    (the compile part), `matcher` gives a matcher for an instance in the walk (or a
    reason string when the engine cannot run that instance), `fill` writes the next-token
    mask into `self.bm` and `consume` advances by one token.
    """

    name = "?"
    grammar_note = ""

    def __init__(self, tok: Tok) -> None:
        self.tok = tok
        self.bm = np.zeros((1, (tok.vocab_size + 31) // 32), dtype=np.int32)
        self.load_ms: float | None = None
        self.notes: list[str] = []

    def load(self) -> None:
        raise NotImplementedError

    def compile_first_mask(self) -> None:
        raise NotImplementedError

    def matcher(self, inst: Instance) -> Any:
        raise NotImplementedError

    def fill(self, m: Any) -> None:
        raise NotImplementedError

    def consume(self, m: Any, token: int) -> bool:
        raise NotImplementedError


class Corral(Engine):
    name = "corral"
    grammar_note = "`grammars/json.lark`"

    def __init__(self, tok: Tok, mod: Any) -> None:
        super().__init__(tok)
        self.corral = mod
        self.text = JSON_LARK.read_text(encoding="utf-8")
        self.cg: Any = None

    def load(self) -> None:
        self.load_ms = self.tok.corral_load_ms  # Vocabulary.from_file + trie, in load_tok

    def compile_first_mask(self) -> None:
        # CompiledGrammar directly: corral.compile() would return its cached result.
        c = self.corral
        cg = c.CompiledGrammar(c.Grammar.from_lark(self.text), self.tok.vocab)
        cg.matcher().fill_mask(self.bm)

    def matcher(self, inst: Instance) -> Any:
        if self.cg is None:
            self.cg = self.corral.compile(self.corral.Grammar.from_file(JSON_LARK), self.tok.vocab)
        return self.cg.matcher()

    def fill(self, m: Any) -> None:
        m.fill_mask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume(token))


INITIAL_SKIP = '%llguidance {"allow_initial_skip": true}\n'


def llg_json_lark() -> str:
    """grammars/json.lark with the two whitespace fixes of benches/README.md (same language)."""
    src = JSON_LARK.read_text(encoding="utf-8").replace("?start: value", "?llg_start: value")
    return (
        INITIAL_SKIP
        + src
        + "\nstart: llg_start LLG_TRAILING_IGNORED?\nLLG_TRAILING_IGNORED: (WS)+\n"
    )


class Llguidance(Engine):
    name = "llguidance"

    def __init__(self, tok: Tok, mod: Any, grammar: str) -> None:
        super().__init__(tok)
        self.llg = mod
        self.ptr, self.nbytes = self.bm.ctypes.data, self.bm.nbytes
        self.kind = grammar
        if grammar == "json-lark":
            self.grammar_note = "`grammars/json.lark` + whitespace fixes"
        else:
            self.grammar_note = "JSON schema `{}`"
        self.lltok: Any = None
        self.proto: Any = None

    def load(self) -> None:
        t0 = clock()
        self.lltok = self.llg.LLTokenizer(
            self.tok.json_path.read_text(encoding="utf-8"),
            n_vocab=self.tok.vocab_size,
            eos_token=self.tok.eos,
        )
        self.load_ms = (clock() - t0) / 1e6

    def _grammar(self) -> Any:
        M = self.llg.LLMatcher
        if self.kind == "json-lark":
            return M.grammar_from_lark(llg_json_lark())
        return M.grammar_from_json_schema({})

    def _new(self) -> Any:
        m = self.llg.LLMatcher(self.lltok, self._grammar(), log_level=0)
        if m.is_error():
            raise RuntimeError(m.get_error())
        return m

    def compile_first_mask(self) -> None:
        self.fill(self._new())

    def matcher(self, inst: Instance) -> Any:
        if self.proto is None:
            self.proto = self._new()
        return self.proto.deep_copy()

    def fill(self, m: Any) -> None:
        # What llguidance.numpy.fill_next_token_bitmask calls, less its per-call
        # `.ctypes.data` (a few µs): the pointer is taken once.
        m.unsafe_compute_mask_ptr(self.ptr, self.nbytes)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume_token(token))


class Xgrammar(Engine):
    name = "xgrammar"
    grammar_note = "builtin JSON grammar"

    def __init__(self, tok: Tok, mod: Any) -> None:
        super().__init__(tok)
        self.xg = mod
        self.compiler: Any = None
        self.compiled: Any = None

    def load(self) -> None:
        transformers: Any = importlib.import_module("transformers")
        transformers.logging.set_verbosity_error()
        t0 = clock()
        hf = transformers.PreTrainedTokenizerFast(tokenizer_file=str(self.tok.json_path))
        info = self.xg.TokenizerInfo.from_huggingface(
            hf, vocab_size=self.tok.vocab_size, stop_token_ids=self.tok.eos
        )
        self.compiler = self.xg.GrammarCompiler(info, max_threads=1, cache_enabled=False)
        self.load_ms = (clock() - t0) / 1e6

    def compile_first_mask(self) -> None:
        m = self.xg.GrammarMatcher(self.compiler.compile_builtin_json_grammar())
        m.fill_next_token_bitmask(self.bm)

    def matcher(self, inst: Instance) -> Any:
        if self.compiled is None:
            self.compiled = self.compiler.compile_builtin_json_grammar()
        return self.xg.GrammarMatcher(self.compiled)

    def fill(self, m: Any) -> None:
        m.fill_next_token_bitmask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.accept_token(token))


def _index_worker(conn: Any, eos: int, by_bytes: dict[bytes, list[int]]) -> None:
    """Child process: builds outlines-core Indexes for regexes sent by the parent."""
    outlines_core: Any = importlib.import_module("outlines_core")
    vocab = outlines_core.Vocabulary(eos, by_bytes)
    conn.send(("ready", None))
    while (regex := conn.recv()) is not None:
        try:
            conn.send(("ok", outlines_core.Index(regex, vocab)))
        except BaseException as e:  # pyo3 panics are BaseException
            conn.send(("err", f"{type(e).__name__}: {str(e)[:100]}"))


class OutlinesCore(Engine):
    """outlines-core; the walk's per-schema Indexes are built in a child process, so a
    schema whose Index takes longer than `timeout_s` can be given up (the child is killed)."""

    name = "outlines-core"
    grammar_note = "compile: schema `{}` regex; walk: each instance's own schema"

    def __init__(self, tok: Tok, mod: Any, timeout_s: float, budget_s: float) -> None:
        super().__init__(tok)
        self.oc = mod
        self.to_regex = mod.json_schema.build_regex_from_schema
        self.timeout_s = timeout_s
        self.budget_ns = budget_s * 1e9
        self.spent_ns = 0
        self.index: dict[str, Any] = {}  # schema id -> Index, or why there is none
        self.regex: dict[str, str] = {}  # schema id -> its regex (the regex part reuses it)
        self.build_ms: list[float] = []
        self.by_bytes: dict[bytes, list[int]] = {}
        self.vocab: Any = None
        self.worker: Any = None  # (process, connection)
        self.ptr = self.bm.ctypes.data

    def load(self) -> None:
        # Token bytes come from corral's vocabulary (decoding tokenizer.json is not timed).
        tokens = self.tok.vocab.all_token_bytes()
        t0 = clock()
        for i, b in enumerate(tokens):
            if b is not None:
                self.by_bytes.setdefault(b, []).append(i)
        self.vocab = self.oc.Vocabulary(self.tok.eos[0], self.by_bytes)
        self.load_ms = (clock() - t0) / 1e6

    def compile_first_mask(self) -> None:
        index = self.oc.Index(self.to_regex("{}"), self.vocab)
        self.fill(self.oc.Guide(index))

    def _start_worker(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        here, there = ctx.Pipe()
        args = (there, self.tok.eos[0], self.by_bytes)
        proc = ctx.Process(target=_index_worker, args=args, daemon=True)
        proc.start()
        here.recv()  # "ready": the child's start-up is not part of any build
        self.worker = (proc, here)

    def _build(self, regex: str) -> Any:
        """An Index for `regex` from the worker, or why there is none."""
        conn = self.worker[1]
        try:
            conn.send(regex)
            if not conn.poll(self.timeout_s):
                self.close()
                return f"Index build over {self.timeout_s:g} s, given up"
            status, got = conn.recv()
        except (EOFError, OSError) as e:  # the child died (out of memory?)
            self.close()
            return f"Index worker died ({type(e).__name__})"
        return got if status == "ok" else f"Index build failed ({got})"

    def close(self) -> None:
        if self.worker is not None:
            proc, conn = self.worker
            proc.kill()  # our own child, by its handle
            proc.join()
            conn.close()
            self.worker = None

    def index_for(self, inst: Instance) -> Any:
        """The Index for the instance's schema (built once, within the budget), or why not."""
        got = self.index.get(inst.schema_id)
        if got is None:
            if self.spent_ns > self.budget_ns:
                return f"Index building budget ({self.budget_ns / 1e9:g} s) spent"
            if self.worker is None:
                self._start_worker()
            t0 = clock()
            try:
                regex = self.to_regex(json.dumps(inst.schema))
            except BaseException as e:  # pyo3 panics are BaseException
                if isinstance(e, KeyboardInterrupt):
                    raise
                got = f"schema to regex failed ({type(e).__name__}: {str(e)[:80]})"
            else:
                got = self._build(regex)
            dt = clock() - t0
            self.spent_ns += dt
            if not isinstance(got, str):
                self.build_ms.append(dt / 1e6)
                self.regex[inst.schema_id] = regex
            self.index[inst.schema_id] = got
        return got

    def matcher(self, inst: Instance) -> Any:
        got = self.index_for(inst)
        return got if isinstance(got, str) else self.oc.Guide(got)

    def fill(self, m: Any) -> None:
        m.write_mask_into(self.ptr, self.bm.size, 4)

    def consume(self, m: Any, token: int) -> bool:
        try:
            m.advance(token, return_tokens=False)
        except ValueError:
            return False
        return True


def lark_regex(regex: str) -> str:
    """`regex` as the body of a Lark `/.../` literal: each unescaped `/` becomes `\\/`
    (escape pairs such as `\\/` or `\\\\` are kept as they are)."""
    return re.sub(r"\\.|/", lambda m: "\\/" if m[0] == "/" else m[0], regex, flags=re.S)


class RegexEngine(Engine):
    """The regex part: an engine walking each instance under outlines-core's regex for the
    instance's schema, only where outlines-core got an Index for it (`oc.index_for`, which
    builds within outlines-core's budget or reuses the walk's Index). The engine's grammar
    is compiled once per schema, untimed (`build_ms`); `refused` keeps why it could not."""

    def __init__(self, tok: Tok, oc: OutlinesCore) -> None:
        super().__init__(tok)
        self.oc = oc
        self.compiled: dict[str, Any] = {}  # schema id -> compiled grammar, or why not
        self.build_ms: list[float] = []
        self.refused: dict[str, str] = {}  # schema id -> the engine's error

    def build(self, regex: str) -> Any:
        raise NotImplementedError

    def start(self, compiled: Any) -> Any:
        raise NotImplementedError

    def matcher(self, inst: Instance) -> Any:
        sid = inst.schema_id
        got = self.compiled.get(sid)
        if got is None:
            if isinstance(self.oc.index_for(inst), str):
                return NO_INDEX
            t0 = clock()
            try:
                got = self.build(self.oc.regex[sid])
            except BaseException as e:  # pyo3 panics are BaseException
                if isinstance(e, KeyboardInterrupt):
                    raise
                # The message may quote the whole regex (megabytes): first line, shortened.
                msg = str(e).replace(lark_regex(self.oc.regex[sid]), "<regex>")
                msg = msg.replace(self.oc.regex[sid], "<regex>").strip().split("\n")[0]
                self.refused[sid] = f"{type(e).__name__}: {msg[:200]}"
                got = "regex refused (see the notes)"
            else:
                self.build_ms.append((clock() - t0) / 1e6)
            self.compiled[sid] = got
        return got if isinstance(got, str) else self.start(got)


class CorralRegex(RegexEngine):
    name = "corral"

    def __init__(self, tok: Tok, oc: OutlinesCore, mod: Any) -> None:
        super().__init__(tok, oc)
        self.corral = mod

    def load(self) -> None:
        pass

    def build(self, regex: str) -> Any:
        c = self.corral
        return c.compile(c.Grammar.from_lark(f"start: /{lark_regex(regex)}/\n"), self.tok.vocab)

    def start(self, compiled: Any) -> Any:
        return compiled.matcher()

    def fill(self, m: Any) -> None:
        m.fill_mask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume(token))


class LlguidanceRegex(RegexEngine):
    name = "llguidance"

    def __init__(self, tok: Tok, oc: OutlinesCore, mod: Any, lltok: Any = None) -> None:
        super().__init__(tok, oc)
        self.llg = mod
        self.lltok = lltok  # the walk's LLTokenizer when there is one
        self.ptr, self.nbytes = self.bm.ctypes.data, self.bm.nbytes

    def load(self) -> None:
        if self.lltok is None:
            text = self.tok.json_path.read_text(encoding="utf-8")
            self.lltok = self.llg.LLTokenizer(
                text, n_vocab=self.tok.vocab_size, eos_token=self.tok.eos
            )

    def build(self, regex: str) -> Any:
        M = self.llg.LLMatcher
        m = M(self.lltok, M.grammar_from_regex(regex), log_level=0)
        if m.is_error():
            raise RuntimeError(m.get_error())
        return m

    def start(self, compiled: Any) -> Any:
        return compiled.deep_copy()

    def fill(self, m: Any) -> None:
        m.unsafe_compute_mask_ptr(self.ptr, self.nbytes)  # as Llguidance.fill

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume_token(token))
