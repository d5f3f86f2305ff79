"""Report import circles between the modules of each Rust crate under rust/.

A module's edges are its `crate::<module>` paths outside `#[cfg(test)]` code (tests may
reach across the crate). Exit status 1 when a crate has a circle, with the modules in it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "rust"
PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def non_test_text(text: str) -> str:
    """`text` without the item that follows each `#[cfg(test)]` (a module or function)."""
    out = []
    i = 0
    while True:
        j = text.find("#[cfg(test)]", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        brace = text.find("{", j)
        semi = text.find(";", j)
        if semi >= 0 and (brace < 0 or semi < brace):
            i = semi + 1  # `mod tests;`
            continue
        depth = 0
        k = brace
        while k < len(text):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        i = k + 1


def module_of(src: Path, file: Path) -> str:
    rel = file.relative_to(src).parts
    return rel[0].removesuffix(".rs")


def graph(src: Path) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for file in sorted(src.rglob("*.rs")):
        module = module_of(src, file)
        if (
            file.stem == "tests"
            or module in ("lib", "main")
            or module.endswith("_tests")
            or module == "test_support"
        ):
            continue
        text = "\n".join(
            line
            for line in non_test_text(file.read_text()).splitlines()
            if not line.lstrip().startswith("//")
        )
        targets = {m for m in PATH.findall(text) if m != module}
        edges.setdefault(module, set()).update(targets)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    bad = False
    for crate in sorted(p for p in ROOT.iterdir() if (p / "src").is_dir()):
        edges = graph(crate / "src")
        for component in circles(edges):
            bad = True
            print(f"{crate.name}: import circle among {', '.join(component)}")
    if not bad:
        print("no import circles")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
