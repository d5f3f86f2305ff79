"""The grading options `mathb grade` and `mathb check` share: one definition, one wording."""

from __future__ import annotations

import argparse
from typing import Any

from ..argtypes import non_negative_int


def add_grading_options(group: argparse._ArgumentGroup) -> None:
    """Adds --decimal, --min-significant-digits, --decimal-places, --extract,
    --no-relation-as-set, --no-fallback and --loose-variables to `group`."""
    group.add_argument(
        "--decimal",
        choices=("rounded", "exact"),
        default="rounded",
        help="'rounded' accepts a decimal that is the exact value rounded to its places "
        "(0.333 for 1/3); 'exact' wants equal values (default: rounded)",
    )
    group.add_argument(
        "--min-significant-digits",
        type=non_negative_int,
        default=3,
        metavar="N",
        help="significant digits such a rounded decimal needs (default: 3)",
    )
    group.add_argument(
        "--decimal-places",
        type=non_negative_int,
        metavar="M",
        help="compare decimals at no more than M places (Math-Verify's precision; "
        "default: no limit)",
    )
    group.add_argument(
        "--extract",
        choices=("strict", "standard", "lenient"),
        default="standard",
        help="where answers are looked for without a box or anchor: 'strict' nowhere, "
        "'standard' the last math of the final paragraph, 'lenient' also a plain number "
        "(default: standard)",
    )
    group.add_argument(
        "--no-relation-as-set",
        dest="relation_as_set",
        action="store_false",
        help="do not read one-variable inequalities as their solution sets",
    )
    group.add_argument(
        "--no-fallback",
        dest="fallback",
        action="store_false",
        help="leave undecided verdicts undecided (default: settle them with the sympy "
        "fallback, installed with mathb)",
    )
    group.add_argument(
        "--loose-variables",
        dest="strict_variables",
        action="store_false",
        help="accept answers equal up to a renaming of their variables",
    )


def grading_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options `add_grading_options` parsed, as the keywords of the grading calls."""
    return {
        "decimal": args.decimal,
        "min_significant_digits": args.min_significant_digits,
        "decimal_places": args.decimal_places,
        "extract": args.extract,
        "relation_as_set": args.relation_as_set,
        "strict_variables": args.strict_variables,
        "fallback": args.fallback and fallback_installed(),
    }


def fallback_installed() -> bool:
    """Whether the sympy fallback's dependencies import."""
    try:
        from ..sympy_judge import require_sympy

        require_sympy()
    except ImportError:
        return False
    return True
