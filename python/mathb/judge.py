"""The optional judge: after the core (and the fallback) wrote a verdicts file, an
OpenAI-compatible model is asked about the distinct (gold, answer) pairs the rules left open,
in both orders; the lines it decides are rewritten and the summary recounted from the lines.
A rule `correct` is never asked about, and a pair it cannot settle keeps the rules' verdict."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple, Protocol

from . import InvalidArgumentError
from .endpoint_http import EndpointError, chat_url, post_json
from .grading import STATUSES, atomic_output, summarize
from .judge_prompt import PROMPT_VERSION, build_messages, parse_reply, words_of
from .verdict_tally import Ballots, ballots_of, per_problem

#: What `on` may name: the rules' verdicts the judge is asked about.
JUDGE_ON = ("undecided", "incorrect")
#: The summary key of what one run sent (not part of what the dump holds).
REQUESTS_KEY = "judge_requests"
#: Called with (requests ended, requests to send) as the judge's replies arrive.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JudgeSettings:
    """Where the judge is and how it is asked. `on="undecided"` asks about the rules'
    undecided verdicts, `"incorrect"` about the incorrect ones too; `concurrency` requests
    are in flight at most, each retried `retries` times (connection errors, timeouts, 5xx)
    and given up after `timeout` seconds per attempt."""

    endpoint: str
    model: str
    on: str = "undecided"
    concurrency: int = 8
    timeout: float = 120.0
    retries: int = 3
    max_tokens: int = 1024
    api_key: str | None = None
    #: The dump's field of the problem text shown (None: problem, question or input).
    question_field: str | None = None
    #: Seconds before the first retry (doubled at each).
    backoff: float = 0.5

    def __post_init__(self) -> None:
        if self.on not in JUDGE_ON:
            raise InvalidArgumentError(f"judge on must be one of {JUDGE_ON}, not {self.on!r}")
        if self.concurrency < 1:
            raise InvalidArgumentError("judge concurrency must be at least 1")
        if not self.model:
            raise InvalidArgumentError("the judge needs a model name")

    def statuses(self) -> tuple[str, ...]:
        """The rules' statuses the judge is asked about."""
        return ("undecided",) if self.on == "undecided" else ("undecided", "incorrect")


class Pair(NamedTuple):
    """What the judge compares: the gold and the extracted answer (and the question, when
    the dump has one)."""

    gold: str
    answer: str
    question: str | None = None


@dataclass
class PairOutcome:
    """The judge's word on one pair: `equivalent` is True / False when both orders' replies
    parse and agree, None otherwise (`why` then says: disagreed, no_verdict or failed)."""

    equivalent: bool | None
    why: str
    replies: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- cache


def cache_path(output: str | os.PathLike[str]) -> str:
    """The reply cache beside a verdicts file: `<output>.judge.jsonl`."""
    return f"{os.fspath(output)}.judge.jsonl"


def request_key(model: str, first: str, second: str, question: str | None) -> str:
    """One request's identity: the prompt wording, the model and what it is shown."""
    import hashlib

    text = json.dumps([PROMPT_VERSION, model, question, first, second], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class ReplyCache:
    """The judge's replies by request key, in a JSON Lines file appended to as each reply
    arrives: a rerun or a resumed run (even after a kill) sends no request twice. Failed
    requests are not kept, so a later run asks them again."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.replies: dict[str, str] = {}
        self.lock = threading.Lock()
        if path is not None and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for raw in f:
                    try:
                        record = json.loads(raw)
                        self.replies[record["key"]] = record["reply"]
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a kill: that request is asked again

    def get(self, key: str) -> str | None:
        return self.replies.get(key)

    def put(self, key: str, record: dict[str, Any]) -> None:
        with self.lock:
            self.replies[key] = record["reply"]
            if self.path is None:
                return
            line = json.dumps({"key": key, **record}, ensure_ascii=False) + "\n"
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)


# --------------------------------------------------------------------------- asking


class JudgeClient:
    """Sends chat requests to the judge's server; gives up on the remaining ones once
    `2 × concurrency` requests in a row failed every retry (a server that is down), so a
    run ends in about the time of those few."""

    def __init__(self, settings: JudgeSettings) -> None:
        self.settings = settings
        self.url = chat_url(settings.endpoint)
        self.headers = {"Content-Type": "application/json"}
        if settings.api_key:
            self.headers["Authorization"] = f"Bearer {settings.api_key}"
        self.failed_in_a_row = 0
        #: Requests given up on without sending them, the server having failed too often.
        self.not_sent = 0
        self.lock = threading.Lock()
        self.last_error: str | None = None

    def ask(self, messages: list[dict[str, Any]]) -> str | None:
        """The reply's text, or None when the request failed (the error in `last_error`)."""
        with self.lock:
            if self.failed_in_a_row >= 2 * self.settings.concurrency:
                self.not_sent += 1
                return None
        body = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0.0,
            "max_tokens": self.settings.max_tokens,
        }
        try:
            reply = post_json(
                self.url,
                json.dumps(body).encode(),
                self.headers,
                timeout=self.settings.timeout,
                retries=self.settings.retries,
                backoff=self.settings.backoff,
            )
            text = reply["choices"][0]["message"].get("content") or ""
            if not isinstance(text, str):
                raise TypeError(f"content is {type(text).__name__}")
        except (EndpointError, KeyError, IndexError, TypeError, AttributeError) as e:
            with self.lock:
                self.failed_in_a_row += 1
                self.last_error = str(e) if isinstance(e, EndpointError) else f"reply: {e!r}"
            return None
        with self.lock:
            self.failed_in_a_row = 0
        return text


@dataclass
class AskStats:
    """Requests of one run: sent to the server, read from the cache, failed (sent or not),
    and not sent (given up on once the server kept failing)."""

    sent: int = 0
    cached: int = 0
    failed: int = 0
    not_sent: int = 0


def judge_pairs(
    pairs: list[Pair],
    settings: JudgeSettings,
    cache: ReplyCache,
    progress: Progress | None = None,
) -> tuple[dict[Pair, PairOutcome], AskStats, str | None]:
    """Each pair asked in both orders (gold as answer A, then as answer B), at most
    `settings.concurrency` requests in flight; the outcomes, the request counts and the
    last request error."""
    client = JudgeClient(settings)
    stats = AskStats()
    orders = [(p, (p.gold, p.answer)) for p in pairs] + [(p, (p.answer, p.gold)) for p in pairs]
    replies: dict[tuple[Pair, int], str | None] = {}
    todo = []
    for i, (pair, (first, second)) in enumerate(orders):
        key = request_key(settings.model, first, second, pair.question)
        slot = (pair, 0 if i < len(pairs) else 1)
        cached = cache.get(key)
        if cached is not None:
            replies[slot] = cached
            stats.cached += 1
        else:
            todo.append((slot, key, first, second, pair.question))

    def ask(job: tuple[tuple[Pair, int], str, str, str, str | None]) -> None:
        slot, key, first, second, question = job
        text = client.ask(build_messages(first, second, question))
        replies[slot] = text
        if text is not None:
            cache.put(
                key,
                {"model": settings.model, "question": question, "a": first, "b": second,
                 "reply": text},
            )  # fmt: skip

    pool = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="mathb-judge")
    try:
        done = 0
        for _ in as_completed([pool.submit(ask, job) for job in todo]):
            done += 1
            if progress is not None:
                progress(done, len(todo))
    finally:
        # Interrupted (Ctrl-C): the queued requests are dropped, not sent; what arrived is
        # in the cache for the next run.
        pool.shutdown(wait=True, cancel_futures=True)
    stats.sent = len(todo) - client.not_sent
    stats.not_sent = client.not_sent
    stats.failed = sum(1 for slot, *_ in todo if replies.get(slot) is None)
    return (
        {p: _outcome(replies.get((p, 0)), replies.get((p, 1))) for p in pairs},
        stats,
        (client.last_error),
    )


def _outcome(first: str | None, second: str | None) -> PairOutcome:
    """The judge decides only when both orders' replies parse and agree."""
    if first is None or second is None:
        return PairOutcome(None, "failed", [r for r in (first, second) if r is not None])
    a, b = parse_reply(first), parse_reply(second)
    if a is None or b is None:
        return PairOutcome(None, "no_verdict", [first, second])
    if a != b:
        return PairOutcome(None, "disagreed", [first, second])
    return PairOutcome(a, "agreed", [first, second])


# --------------------------------------------------------------------------- verdict lines


def rules_line(v: dict[str, Any]) -> dict[str, Any]:
    """The line as the rules wrote it, from a line the judge decided (itself otherwise)."""
    if v.get("decided_by") != "judge":
        return v
    rules = v["judge"]["rules"]
    out: dict[str, Any] = {}
    for key, value in v.items():
        if key == "status" or key == "reason":
            out[key] = rules[key]
        elif key == "decided_by":
            if rules.get("decided_by") is not None:
                out[key] = rules["decided_by"]
        elif key != "judge":
            out[key] = value
    return out


def judged_line(v: dict[str, Any], outcome: PairOutcome) -> dict[str, Any]:
    """The rules' line `v` as the judge decided it: status and reason replaced in place,
    `decided_by: "judge"` and the `judge` entry (the rules' verdict, the judge's words)
    after the verdict's fields, review fields (previous, completion) after them."""
    status = "correct" if outcome.equivalent else "incorrect"
    word = "equivalent" if outcome.equivalent else "not equivalent"
    rules = {"status": v["status"], "reason": v["reason"]}
    if v.get("decided_by") is not None:
        rules["decided_by"] = v["decided_by"]
    entry = {"rules": rules, "words": [words_of(r) for r in outcome.replies]}
    out: dict[str, Any] = {}
    placed = False
    for key, value in v.items():
        if key in ("previous", "completion") and not placed:
            out["decided_by"], out["judge"], placed = "judge", entry, True
        if key == "status":
            out[key] = status
        elif key == "reason":
            out[key] = f"the judge finds them {word} in both orders"
        elif key != "decided_by":
            out[key] = value
    if not placed:
        out["decided_by"], out["judge"] = "judge", entry
    return out


def _line_bytes(v: dict[str, Any]) -> bytes:
    # The core's compact form, so that lines read back by --resume match byte for byte.
    return (json.dumps(v, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _gold_text(gold: Any) -> str:
    return gold if isinstance(gold, str) else json.dumps(gold, ensure_ascii=False)


def _read_lines(path: str) -> Iterator[tuple[bytes, dict[str, Any]]]:
    with open(path, "rb") as f:
        for raw in f:
            if raw.strip():
                yield raw, json.loads(raw)


def _without_gold(raw: bytes, v: dict[str, Any]) -> bytes:
    """The line without its `gold` field, every other byte kept."""
    if "gold" not in v:
        return raw
    text = raw.decode()
    # The top-level key: inside JSON strings a quote is escaped, so `,"gold":` cannot occur
    # there, and no field before it is an object.
    at = text.index(',"gold":')
    _, end = json.JSONDecoder().raw_decode(text, at + len(',"gold":'))
    return (text[:at] + text[end:]).encode()


# --------------------------------------------------------------------------- the pass


class QuestionSource(Protocol):
    """Problem texts by verdict line (`mathb.judge_questions.QuestionReader`): told first
    which lines will be asked about, so it reads the dump once, at those lines."""

    def want(self, v: dict[str, Any]) -> None: ...

    def __call__(self, v: dict[str, Any]) -> str | None: ...


def judge_verdicts(
    output: str | os.PathLike[str],
    summary: dict[str, Any],
    settings: JudgeSettings,
    *,
    ks: list[int] | None = None,
    keep_gold: bool = True,
    questions: QuestionSource | None = None,
    cache: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Asks the judge about the verdicts file `output` that a run summarised as `summary`,
    rewrites the lines it decides (atomically) and returns the summary recounted from the
    lines, with a `judge` entry. `keep_gold=False` drops the gold from the lines the judge
    did not decide and the rules did not leave undecided, so they are the rules' lines. The
    judge reads the gold from the lines: with `on="incorrect"` the file must have been
    written with `with_gold=True` (the core writes it on undecided lines only otherwise).
    `questions` gives the problem text shown to the judge. Replies are cached in `cache`
    (default `<output>.judge.jsonl`); `progress(done, to_send)` is called as requests end.
    """
    path = os.fspath(output)
    asked = settings.statuses()
    # First pass: the distinct pairs to ask about.
    candidates = []
    for _, v in _read_lines(path):
        before = rules_line(v)
        if _is_asked(before, asked):
            keys = ("line", "file", "gold", "extracted")
            candidates.append({k: before[k] for k in keys if k in before})
            if questions is not None:
                questions.want(before)
    pairs = dict.fromkeys(_pair_of(v, questions) for v in candidates)
    store = ReplyCache(cache_path(path) if cache is None else os.fspath(cache))
    outcomes, stats, last_error = judge_pairs(list(pairs), settings, store, progress)
    # Second pass: rewrite, and count from the lines as written.
    rewrite = _Rewrite(outcomes, asked, questions, keep_gold)
    with atomic_output(path) as out:
        tally = ballots_of(
            rewrite.lines(path, out), summary["input"], summary["fields"]["grouping"] == "line"
        )
    decided, resent = rewrite.decided, rewrite.resent
    recounted = recount(summary, tally, rewrite.counts, ks or [])
    if recounted["fallback"].get("used"):
        recounted["fallback"] = {
            **recounted["fallback"],
            "sent": recounted["fallback"]["sent"] + resent[0],
            "settled": recounted["fallback"]["settled"] + resent[1],
        }
    by_why = [o.why for o in outcomes.values()]
    recounted["judge"] = {
        "endpoint": settings.endpoint,
        "model": settings.model,
        "on": settings.on,
        "prompt_version": PROMPT_VERSION,
        # Distinct (gold, answer[, question]) pairs asked about, each in both orders.
        "pairs": len(pairs),
        "correct": sum(o.equivalent is True for o in outcomes.values()),
        "incorrect": sum(o.equivalent is False for o in outcomes.values()),
        "disagreed": by_why.count("disagreed"),
        "no_verdict": by_why.count("no_verdict"),
        "failed": by_why.count("failed"),
        # Verdict lines (samples) the judge decided, by its verdict.
        "samples": decided,
    }
    recounted[REQUESTS_KEY] = {
        "sent": stats.sent,
        "cached": stats.cached,
        "failed": stats.failed,
        "not_sent": stats.not_sent,
    }
    if last_error is not None:
        recounted[REQUESTS_KEY]["last_error"] = last_error
    return recounted


class _Rewrite:
    """The second pass: each line as the judge leaves it, written out and yielded for the
    recount, with what it decided and the status counts on the way."""

    def __init__(
        self,
        outcomes: dict[Pair, PairOutcome],
        asked: tuple[str, ...],
        questions: QuestionSource | None,
        keep_gold: bool,
    ) -> None:
        self.outcomes = outcomes
        self.asked = asked
        self.questions = questions
        self.keep_gold = keep_gold
        self.decided = {"correct": 0, "incorrect": 0}
        self.counts = dict.fromkeys(STATUSES, 0)
        #: Fallback (sent, settled) a resumed core did not count on the judge's lines.
        self.resent = [0, 0]

    def lines(self, path: str, out: IO[bytes]) -> Iterator[dict[str, Any]]:
        for raw, v in _read_lines(path):
            before = rules_line(v)
            if before is not v:
                _count_resumed_fallback(before, self.resent)
            asked = _is_asked(before, self.asked)
            outcome = self.outcomes[_pair_of(before, self.questions)] if asked else None
            if outcome is not None and outcome.equivalent is not None:
                after = judged_line(before, outcome)
                self.decided[after["status"]] += 1
                out.write(_line_bytes(after))
            else:
                # As the rules wrote it; the gold only where the core writes it unasked.
                after = before
                keep = self.keep_gold or before.get("status") == "undecided"
                if before is not v:
                    if not keep:
                        after = {k: x for k, x in before.items() if k != "gold"}
                    out.write(_line_bytes(after))
                else:
                    out.write(raw if keep else _without_gold(raw, v))
            if after.get("status") in self.counts and not after.get("duplicate"):
                self.counts[after["status"]] += 1
            yield after


def _is_asked(v: dict[str, Any], asked: tuple[str, ...]) -> bool:
    """Whether the judge is asked about a rules' line: of a status it is asked about, with
    an answer and the gold to compare it with."""
    return v.get("status") in asked and v.get("extracted") is not None and "gold" in v


def _pair_of(v: dict[str, Any], questions: QuestionSource | None) -> Pair:
    """The pair a rules' line puts to the judge."""
    question = questions(v) if questions is not None else None
    return Pair(_gold_text(v["gold"]), v["extracted"], question)


def _count_resumed_fallback(rules: dict[str, Any], resent: list[int]) -> None:
    """A resumed core reads a judge line as a verdict the fallback never saw; the rules'
    line says whether it did (as the core reads a kept line: settled by it, or undecided
    with an answer)."""
    by_fallback = rules.get("decided_by") == "fallback"
    undecided = rules.get("status") == "undecided" and rules.get("extracted") is not None
    resent[0] += int(by_fallback or undecided)
    resent[1] += int(by_fallback)


def recount(
    summary: dict[str, Any], tally: Ballots, counts: dict[str, int], ks: list[int]
) -> dict[str, Any]:
    """`summary` with its counts and metrics recounted from the ballots and status counts of
    its run's verdict lines (`ks`: the run's extra pass@k / maj@k levels); every other
    entry kept."""
    n, c, maj = per_problem([summary["input"]], [tally], ks)
    result = {
        **{k: summary[k] for k in ("records", "skipped_records", "error_records", "errors")},
        "n": n,
        "c": c,
        "maj_at_k": maj,
        "counts": counts,
        "no_answer_reasons": summary.get("no_answer_reasons", {}),
        "internal_errors": summary.get("internal_errors", 0),
        "fields": summary["fields"],
    }
    return {**summary, **summarize(summary["input"], result, summary["options"], ks)}


def report_judge(summary: dict[str, Any], stream: IO[str] | None = None) -> None:
    """A warning on `stream` (stderr) when requests failed: those pairs keep the rules'
    verdicts."""
    stream = sys.stderr if stream is None else stream
    judged = summary.get("judge")
    if not judged or not judged["failed"]:
        return
    last = summary.get(REQUESTS_KEY, {}).get("last_error")
    stream.write(
        f"warning: judge: {judged['failed']:,} of {judged['pairs']:,} pairs got no reply"
        + (f" (last error: {last})" if last else "")
        + "; they keep the rules' verdicts, and the same command asks them again\n"
    )
    stream.flush()


__all__ = [
    "JUDGE_ON",
    "JudgeSettings",
    "Pair",
    "PairOutcome",
    "ReplyCache",
    "cache_path",
    "judge_pairs",
    "judge_verdicts",
    "recount",
    "report_judge",
]
