#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from the repository's own test cases.

Strings come from the Rust tests (string literals), the Python tests (string constants and
literal dicts, through `ast`) and the JSON Lines fixtures; each target gets them in its own
input format (see fuzz/fuzz_targets/). Output: fuzz/seeds/<target>/<sha1 of the input>.
Usage: python3 fuzz/seeds.py [OUT_DIR]
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "seeds"
# libFuzzer's default -max_len is 4096; longer seeds would only be cut.
MAX_LEN = 4096
SEP = b"\xff"  # the compare target's separator (never part of UTF-8)

RUST_SOURCES = sorted((ROOT / "rust" / "mathb-core").glob("**/*.rs"))
PY_TESTS = sorted((ROOT / "tests").glob("*.py"))
JSONL = sorted([*(ROOT / "tests" / "data").glob("*.jsonl"), ROOT / "examples" / "samples.jsonl"])

# A Rust string literal: raw (r"…", r#"…"#) or escaped ("…").
RUST_LITERAL = re.compile(r'r(#*)"(.*?)"\1|"((?:[^"\\]|\\.)*)"', re.S)
RUST_PAIR = re.compile(
    r"\(\s*("
    + RUST_LITERAL.pattern.replace("\\1", "\\2")
    + r")\s*,\s*("
    + RUST_LITERAL.pattern.replace("\\1", "\\6")
    + r")\s*[,)]",
    re.S,
)
ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|\n\s*|.)", re.S)


def unescape_rust(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        if e.startswith("x"):
            return chr(int(e[1:], 16))
        if e.startswith("\n"):
            return ""  # a line continuation
        return {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(e, e)

    return ESCAPE.sub(one, body)


def rust_literal(m: re.Match[str], raw: int, esc: int) -> str:
    return m.group(raw) if m.group(esc) is None else unescape_rust(m.group(esc))


def rust_strings() -> tuple[list[str], list[tuple[str, str]]]:
    strings, pairs = [], []
    for path in RUST_SOURCES:
        text = path.read_text(encoding="utf-8")
        strings += [rust_literal(m, 2, 3) for m in RUST_LITERAL.finditer(text)]
        for m in RUST_PAIR.finditer(text):
            a = rust_literal(m, 3, 4)
            b = rust_literal(m, 7, 8)
            pairs.append((a, b))
    return strings, pairs


def python_strings() -> tuple[list[str], list[tuple[str, str]], list[object]]:
    strings, pairs, values = [], [], []
    for path in PY_TESTS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.append(node.value)
            elif isinstance(node, ast.Tuple) and len(node.elts) >= 2:
                a, b = node.elts[:2]
                if all(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in (a, b)):
                    pairs.append((a.value, b.value))
            if isinstance(node, (ast.Dict, ast.List)):
                try:
                    values.append(ast.literal_eval(node))
                except (ValueError, TypeError, SyntaxError, RecursionError):
                    pass
    return strings, pairs, values


def jsonl_records() -> tuple[list[bytes], list[bytes]]:
    lines, files = [], []
    for path in JSONL:
        raw = path.read_bytes().splitlines(keepends=True)
        lines += [line.rstrip(b"\n") for line in raw]
        files.append(b"".join(raw[:40]))
    return lines, files


def write(target: str, inputs: list[bytes], limit: int) -> int:
    folder = OUT / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    kept = {}
    for data in inputs:
        if 0 < len(data) <= MAX_LEN:
            kept.setdefault(hashlib.sha1(data).hexdigest(), data)
    for name, data in sorted(kept.items())[:limit]:
        (folder / name).write_bytes(data)
    return min(len(kept), limit)


def enc(s: str) -> bytes:
    # Some tests hold lone surrogates on purpose; they are kept as their (invalid) UTF-8.
    return s.encode("utf-8", "surrogatepass")


def to_json(value: object) -> bytes | None:
    try:
        return json.dumps(value).encode()
    except (TypeError, ValueError):
        return None  # a literal that is no JSON (tuple keys, sets)


def main() -> None:
    r_strings, r_pairs = rust_strings()
    p_strings, p_pairs, values = python_strings()
    lines, files = jsonl_records()
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
    texts = [s for s in r_strings + p_strings if s.strip()]
    golds = [
        str(r.get(k)) for r in records for k in ("answer", "gold") if isinstance(r, dict) and k in r
    ]
    completions = [
        str(r.get(k))
        for r in records
        for k in ("completion", "response")
        if isinstance(r, dict) and k in r
    ]
    pairs = (
        r_pairs
        + p_pairs
        + [
            (g, c)
            for r in records
            if isinstance(r, dict)
            for g, c in [(r.get("answer"), r.get("completion"))]
            if isinstance(g, str) and isinstance(c, str)
        ]
    )

    objects = [j for v in values if isinstance(v, dict) and (j := to_json(v))]
    documents = [
        v
        for v in values
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and to_json(v)
    ]
    json_lines = lines + [enc(s) for s in texts if s.lstrip()[:1] in ("{", "[", '"')]
    json_lines += objects
    json_lines += [json.dumps(s).encode() for s in texts[:300]]
    dump_bodies = files + [b"\n".join(json.dumps(x).encode() for x in d) + b"\n" for d in documents]
    dump_bodies += [json.dumps(d, indent=1).encode() for d in documents]
    dump_bodies += [enc(s) for s in texts if s.lstrip()[:1] in ("{", "[")]
    dump = [bytes([mode]) + body for body in dump_bodies for mode in (0, 1, 3)]
    dump += [bytes([2 | (cut << 2)]) + body for body in files for cut in (16, 48)]

    counts = {
        "extract": write("extract", [enc(s) for s in texts + completions], 4000),
        "latex": write("latex", [enc(s) for s in texts + golds if len(s) <= 300], 3000),
        "compare": write("compare", [enc(g) + SEP + enc(a) for g, a in pairs], 3000),
        "json_scan": write("json_scan", json_lines, 3000),
        "dump": write("dump", dump, 600),
    }
    print(" ".join(f"{t}={n}" for t, n in counts.items()), "seeds in", OUT)


if __name__ == "__main__":
    main()
