"""Every option of every subcommand that takes a value says in its help what it is when not
given (`default: …`); flags are off unless given."""

from __future__ import annotations

import argparse

import pytest
from mathb.cli import COMMANDS, build_parser


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_option_with_a_value_shows_its_default(name: str) -> None:
    build_parser(name)
    from mathb.cli import _SUBPARSERS

    missing = []
    for action in _SUBPARSERS[name]._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        if action.nargs == 0 or action.required:
            continue  # a flag (off unless given), or an option that must be given
        if "default" not in (action.help or ""):
            missing.append(action.option_strings[-1])
    assert not missing, f"mathb {name}: no default in the help of {missing}"
