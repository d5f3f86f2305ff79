"""Writes examples/samples.jsonl: a deterministic, realistic dump of sampled model answers.

Each record is one sampled completion for one competition-style problem, in the layout that
`mathb grade` reads: problem_id, problem, answer (the gold), completion, sample_idx. The
completions mimic real model output: step-by-step reasoning in varied wording, then the
final answer in one of the forms models actually use (\\boxed, "The final answer is ...",
"**Answer:**", "####", <think> blocks), sometimes in an equivalent but different notation,
sometimes wrong, sometimes cut off before any answer.

Stdlib only, fixed seed: the same command always writes the same bytes.

    python examples/make_samples.py                  # writes examples/samples.jsonl
    python examples/make_samples.py --samples 50 -o /tmp/big.jsonl

`benches/bench_grade.py` imports `generate` to build larger dumps of the same shape.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240601
SAMPLES_PER_PROBLEM = 8

# Share of samples, per problem, that get a wrong final answer / no final answer at all.
WRONG_RATE = 0.30
TRUNCATED_RATE = 0.05


@dataclass(frozen=True)
class Problem:
    """A problem, its gold answer, and the ways a model may write a right or wrong answer."""

    problem_id: str
    problem: str
    gold: str
    # Equivalent renderings of the gold, as written inside math mode.
    forms: tuple[str, ...]
    # Wrong answers a model plausibly gives, inside math mode.
    wrong: tuple[str, ...]
    # The derivation, one sentence per step, ending just before the final answer.
    steps: tuple[str, ...]
    # What the model says it has to do, for the opening of a <think> block.
    task: str
    # Plain-text renderings for "Answer: ..." lines; defaults to the forms without backslashes.
    plain: tuple[str, ...] = ()
    # "gsm" problems (word problems) also get "#### N" endings.
    style: str = "math"
    wrong_plain: tuple[str, ...] = field(default=())

    @property
    def category(self) -> str:
        return self.problem_id.split("-")[0]

    def plain_forms(self) -> tuple[str, ...]:
        return self.plain or tuple(f for f in self.forms if "\\" not in f and "{" not in f)

    def plain_wrong(self) -> tuple[str, ...]:
        return self.wrong_plain or tuple(f for f in self.wrong if "\\" not in f and "{" not in f)


P = Problem

PROBLEMS: tuple[Problem, ...] = (
    # ---- integers -------------------------------------------------------------------------
    P(
        "int-001",
        "A bakery sells 36 muffins in the morning and twice as many in the afternoon. "
        "How many muffins does it sell in the whole day?",
        "108",
        ("108", "108", "108 \\text{ muffins}"),
        ("72", "96", "110"),
        (
            "In the morning the bakery sells 36 muffins.",
            "In the afternoon it sells twice as many, which is $2 \\times 36 = 72$ muffins.",
            "Adding the two parts of the day gives $36 + 72 = 108$.",
        ),
        "add the morning and afternoon muffin sales",
        plain=("108", "108 muffins"),
        style="gsm",
    ),
    P(
        "int-002",
        "What is the remainder when $2^{100}$ is divided by $7$?",
        "2",
        ("2", "2", "2 \\pmod{7}"),
        ("1", "4", "3"),
        (
            "The powers of 2 modulo 7 cycle: $2^1 \\equiv 2$, $2^2 \\equiv 4$, $2^3 \\equiv 1$.",
            "So the cycle has length 3, and $100 = 3 \\cdot 33 + 1$.",
            "Therefore $2^{100} = (2^3)^{33} \\cdot 2 \\equiv 1^{33} \\cdot 2 \\equiv 2 \\pmod 7$.",
        ),
        "find 2^100 mod 7",
    ),
    P(
        "int-003",
        "How many positive divisors does $360$ have?",
        "24",
        ("24", "24", "24"),
        ("20", "12", "36"),
        (
            "First factor 360: $360 = 2^3 \\cdot 3^2 \\cdot 5$.",
            "The number of divisors is the product of one more than each exponent.",
            "That is $(3+1)(2+1)(1+1) = 4 \\cdot 3 \\cdot 2 = 24$.",
        ),
        "count the divisors of 360",
    ),
    P(
        "int-004",
        "Find the sum of all positive integers less than or equal to $100$ that are divisible "
        "by $3$ or $5$.",
        "2418",
        ("2418", "2,418", "2{,}418"),
        ("2318", "2733", "1683"),
        (
            "The multiples of 3 up to 100 are $3, 6, \\ldots, 99$, with sum $3 \\cdot \\frac{33 \\cdot 34}{2} = 1683$.",
            "The multiples of 5 up to 100 have sum $5 \\cdot \\frac{20 \\cdot 21}{2} = 1050$.",
            "Multiples of 15 were counted twice; their sum is $15 \\cdot \\frac{6 \\cdot 7}{2} = 315$.",
            "By inclusion-exclusion the total is $1683 + 1050 - 315 = 2418$.",
        ),
        "use inclusion-exclusion on multiples of 3 and 5",
    ),
    P(
        "int-005",
        "Compute $\\dbinom{10}{4}$.",
        "210",
        ("210", "210", "\\binom{10}{4} = 210"),
        ("5040", "120", "252"),
        (
            "By definition $\\binom{10}{4} = \\frac{10!}{4!\\,6!}$.",
            "This simplifies to $\\frac{10 \\cdot 9 \\cdot 8 \\cdot 7}{4 \\cdot 3 \\cdot 2 \\cdot 1} = \\frac{5040}{24}$.",
            "Dividing, $5040 / 24 = 210$.",
        ),
        "compute 10 choose 4",
    ),
    P(
        "int-006",
        "Solve for $x$: $3x - 7 = 11$.",
        "6",
        ("6", "x = 6", "x=6"),
        ("\\frac{4}{3}", "18", "x = 5"),
        (
            "Add 7 to both sides to get $3x = 18$.",
            "Divide both sides by 3 to get $x = 6$.",
            "Check: $3 \\cdot 6 - 7 = 18 - 7 = 11$, as required.",
        ),
        "solve the linear equation 3x - 7 = 11",
        plain=("6", "x = 6"),
    ),
    P(
        "int-007",
        "What is the minimum value of $x^2 + 6x + 4$ over all real $x$?",
        "-5",
        ("-5", "-5", "- 5"),
        ("5", "4", "-3"),
        (
            "Complete the square: $x^2 + 6x + 4 = (x + 3)^2 - 9 + 4 = (x+3)^2 - 5$.",
            "Since $(x+3)^2 \\ge 0$, the expression is smallest when $x = -3$.",
            "At $x = -3$ the value is $-5$.",
        ),
        "minimize the quadratic by completing the square",
    ),
    P(
        "int-008",
        "What is the smallest positive integer $n$ such that $n!$ ends in exactly $6$ zeros?",
        "25",
        ("25", "n = 25", "25"),
        ("30", "24", "20"),
        (
            "The number of trailing zeros of $n!$ is $\\lfloor n/5 \\rfloor + \\lfloor n/25 \\rfloor + \\cdots$.",
            "For $n = 24$ this is $4$, and for $n = 25$ it is $5 + 1 = 6$.",
            "So the count jumps from 4 straight to 6 at $n = 25$, which is the smallest such $n$.",
        ),
        "count trailing zeros of factorials",
        plain=("25", "n = 25"),
    ),
    P(
        "int-009",
        "Lena reads 12 pages on Monday, 15 pages on Tuesday, and on Wednesday she reads as many "
        "pages as on Monday and Tuesday combined. How many pages did she read over the three days?",
        "54",
        ("54", "54", "54 \\text{ pages}"),
        ("27", "39", "45"),
        (
            "On Monday and Tuesday together Lena reads $12 + 15 = 27$ pages.",
            "On Wednesday she reads another 27 pages.",
            "Over three days that is $27 + 27 = 54$ pages.",
        ),
        "add up the pages Lena reads",
        plain=("54", "54 pages"),
        style="gsm",
    ),
    # ---- large integers -------------------------------------------------------------------
    P(
        "bigint-001",
        "In how many distinct ways can the letters of the word MISSISSIPPI be arranged?",
        "34650",
        ("34650", "34,650", "34{,}650", "34\\,650"),
        ("39916800", "69300", "17325"),
        (
            "MISSISSIPPI has 11 letters: one M, four I's, four S's and two P's.",
            "The number of arrangements is $\\frac{11!}{4!\\,4!\\,2!}$.",
            "Since $11! = 39916800$ and $4!\\,4!\\,2! = 1152$, this is $39916800 / 1152 = 34650$.",
        ),
        "count arrangements of MISSISSIPPI with repeated letters",
        plain=("34650", "34,650"),
    ),
    P(
        "bigint-002",
        "Compute $2^{20}$.",
        "1048576",
        ("1048576", "1,048,576", "1{,}048{,}576"),
        ("1048567", "2097152", "524288"),
        (
            "We know $2^{10} = 1024$.",
            "Then $2^{20} = (2^{10})^2 = 1024^2$.",
            "And $1024^2 = 1048576$.",
        ),
        "square 1024",
        plain=("1048576", "1,048,576"),
    ),
    P(
        "bigint-003",
        "A culture starts with 12,500 bacteria and the population doubles every hour. "
        "How many bacteria are there after 6 hours?",
        "800000",
        ("800000", "800,000", "800{,}000", "8 \\times 10^5"),
        ("75000", "400000", "1600000"),
        (
            "After 6 doublings the population is multiplied by $2^6 = 64$.",
            "So the count is $12500 \\times 64$.",
            "$12500 \\times 64 = 800000$.",
        ),
        "apply six doublings to 12,500",
        plain=("800000", "800,000", "800,000 bacteria"),
        wrong_plain=("75,000", "400,000"),
        style="gsm",
    ),
    P(
        "bigint-004",
        "How many seconds are there in one week?",
        "604800",
        ("604800", "604,800", "604{,}800"),
        ("86400", "10080", "608400"),
        (
            "A day has $24 \\cdot 60 \\cdot 60 = 86400$ seconds.",
            "A week has 7 days.",
            "So a week has $7 \\cdot 86400 = 604800$ seconds.",
        ),
        "multiply the seconds in a day by 7",
        plain=("604800", "604,800", "604,800 seconds"),
        style="gsm",
    ),
    # ---- fractions ------------------------------------------------------------------------
    P(
        "frac-001",
        "Two fair six-sided dice are rolled. What is the probability that the sum of the numbers "
        "rolled is $7$? Express your answer as a common fraction.",
        "\\frac{1}{6}",
        ("\\frac{1}{6}", "\\dfrac{1}{6}", "\\frac16", "1/6", "\\frac{6}{36}"),
        ("\\frac{5}{36}", "\\frac{7}{36}", "\\frac{1}{12}"),
        (
            "There are $6 \\times 6 = 36$ equally likely outcomes.",
            "The pairs summing to 7 are $(1,6), (2,5), (3,4), (4,3), (5,2), (6,1)$, six in all.",
            "So the probability is $\\frac{6}{36} = \\frac{1}{6}$.",
        ),
        "count dice outcomes that sum to 7",
        plain=("1/6",),
        wrong_plain=("5/36", "1/12"),
    ),
    P(
        "frac-002",
        "Compute $\\frac{3}{4} + \\frac{5}{6}$. Express your answer as a common fraction.",
        "\\frac{19}{12}",
        ("\\frac{19}{12}", "\\dfrac{19}{12}", "19/12", "1\\frac{7}{12}"),
        ("\\frac{8}{10}", "\\frac{4}{5}", "\\frac{17}{12}"),
        (
            "The least common denominator of 4 and 6 is 12.",
            "So $\\frac{3}{4} = \\frac{9}{12}$ and $\\frac{5}{6} = \\frac{10}{12}$.",
            "Adding gives $\\frac{9 + 10}{12} = \\frac{19}{12}$.",
        ),
        "add 3/4 and 5/6",
        plain=("19/12",),
        wrong_plain=("17/12", "4/5"),
    ),
    P(
        "frac-003",
        "A bag contains 5 red balls and 3 blue balls. Two balls are drawn without replacement. "
        "What is the probability that both are red?",
        "\\frac{5}{14}",
        ("\\frac{5}{14}", "\\dfrac{5}{14}", "\\frac{10}{28}", "5/14", "\\frac{20}{56}"),
        ("\\frac{25}{64}", "\\frac{5}{8}", "\\frac{3}{14}"),
        (
            "The first ball is red with probability $\\frac{5}{8}$.",
            "Given that, the second is red with probability $\\frac{4}{7}$.",
            "Multiplying, $\\frac{5}{8} \\cdot \\frac{4}{7} = \\frac{20}{56} = \\frac{5}{14}$.",
        ),
        "find the probability of two reds without replacement",
        plain=("5/14",),
        wrong_plain=("25/64",),
    ),
    P(
        "frac-004",
        "What fraction of the first $10$ positive integers are even?",
        "\\frac{1}{2}",
        ("\\frac{1}{2}", "\\dfrac{1}{2}", "\\frac12", "0.5", "1/2", "\\tfrac{1}{2}"),
        ("\\frac{2}{5}", "\\frac{3}{5}", "5"),
        (
            "The first 10 positive integers are $1, 2, \\ldots, 10$.",
            "The even ones are $2, 4, 6, 8, 10$, which is 5 numbers.",
            "So the fraction is $\\frac{5}{10} = \\frac{1}{2}$.",
        ),
        "count even numbers among 1 to 10",
        plain=("1/2", "0.5"),
        wrong_plain=("2/5", "5"),
    ),
    P(
        "frac-005",
        "Find the slope of the line passing through the points $(1, 4)$ and $(5, 1)$.",
        "-\\frac{3}{4}",
        ("-\\frac{3}{4}", "-\\dfrac{3}{4}", "\\frac{-3}{4}", "-0.75", "-3/4"),
        ("\\frac{3}{4}", "-\\frac{4}{3}", "\\frac{4}{3}"),
        (
            "The slope is $\\frac{y_2 - y_1}{x_2 - x_1}$.",
            "Here that is $\\frac{1 - 4}{5 - 1} = \\frac{-3}{4}$.",
        ),
        "compute the slope between two points",
        plain=("-3/4", "-0.75"),
        wrong_plain=("3/4", "-4/3"),
    ),
    P(
        "frac-006",
        "Evaluate $\\frac{1}{2} \\cdot \\frac{1}{3} \\cdot \\frac{3}{4}$.",
        "\\frac{1}{8}",
        ("\\frac{1}{8}", "\\frac18", "0.125", "1/8", "\\frac{3}{24}"),
        ("\\frac{1}{6}", "\\frac{3}{8}", "\\frac{1}{9}"),
        (
            "Multiply the numerators: $1 \\cdot 1 \\cdot 3 = 3$.",
            "Multiply the denominators: $2 \\cdot 3 \\cdot 4 = 24$.",
            "So the product is $\\frac{3}{24} = \\frac{1}{8}$.",
        ),
        "multiply three fractions",
        plain=("1/8", "0.125"),
        wrong_plain=("1/6", "3/8"),
    ),
    # ---- decimals -------------------------------------------------------------------------
    P(
        "dec-001",
        "Compute $3.2 \\times 1.5$.",
        "4.8",
        ("4.8", "4.80", "\\frac{24}{5}", "4.8"),
        ("4.7", "48", "3.7"),
        (
            "Ignoring decimal points, $32 \\times 15 = 480$.",
            "There are two decimal places in total, so the product is $4.80$.",
        ),
        "multiply two decimals",
        plain=("4.8", "4.80"),
    ),
    P(
        "dec-002",
        "What is the average of $2.5$, $3.7$, $4.1$, and $5.3$?",
        "3.9",
        ("3.9", "3.90", "\\frac{39}{10}"),
        ("15.6", "3.8", "4.1"),
        (
            "The sum is $2.5 + 3.7 + 4.1 + 5.3 = 15.6$.",
            "There are 4 numbers, so the average is $15.6 / 4 = 3.9$.",
        ),
        "average four decimals",
        plain=("3.9", "3.90"),
    ),
    P(
        "dec-003",
        "A runner completes 5 laps of a 0.4 km track and then jogs another 1.25 km. "
        "How many kilometers did the runner cover in total?",
        "3.25",
        ("3.25", "3.25 \\text{ km}", "3\\frac{1}{4}", "\\frac{13}{4}"),
        ("2.25", "3.2", "1.65"),
        (
            "Five laps of 0.4 km is $5 \\times 0.4 = 2$ km.",
            "Adding the jog gives $2 + 1.25 = 3.25$ km.",
        ),
        "add lap distance and jog distance",
        plain=("3.25", "3.25 km"),
        style="gsm",
    ),
    # ---- money ----------------------------------------------------------------------------
    P(
        "money-001",
        "Sarah buys 3 notebooks at \\$2.75 each and a pen for \\$1.40. How much does she spend "
        "in total, in dollars?",
        "9.65",
        ("9.65", "\\$9.65", "\\$ 9.65", "9.65 \\text{ dollars}", "\\text{\\$}9.65"),
        ("9.55", "\\$8.25", "4.15"),
        (
            "Three notebooks cost $3 \\times 2.75 = 8.25$ dollars.",
            "Adding the pen: $8.25 + 1.40 = 9.65$ dollars.",
        ),
        "add the cost of notebooks and a pen",
        plain=("9.65", "$9.65", "9.65 dollars"),
        wrong_plain=("9.55", "$8.25"),
        style="gsm",
    ),
    P(
        "money-002",
        "Tom earns \\$18 per hour and works 40 hours each week. How much does he earn in 4 weeks?",
        "2880",
        ("2880", "\\$2,880", "\\$2880", "2,880", "\\$2{,}880.00"),
        ("720", "\\$2,800", "1440"),
        (
            "Each week Tom earns $18 \\times 40 = 720$ dollars.",
            "In 4 weeks he earns $4 \\times 720 = 2880$ dollars.",
        ),
        "multiply weekly pay by four",
        plain=("2880", "$2,880", "2,880 dollars", "$2880"),
        wrong_plain=("720", "$2,800"),
        style="gsm",
    ),
    P(
        "money-003",
        "Jenna has \\$50. She spends $\\frac{3}{5}$ of it on a jacket. How many dollars does she "
        "have left?",
        "20",
        ("20", "\\$20", "\\$20.00", "20 \\text{ dollars}"),
        ("30", "\\$30", "10"),
        (
            "The jacket costs $\\frac{3}{5} \\times 50 = 30$ dollars.",
            "So she has $50 - 30 = 20$ dollars left.",
        ),
        "subtract the jacket cost from 50 dollars",
        plain=("20", "$20", "20 dollars"),
        wrong_plain=("30", "$30"),
        style="gsm",
    ),
    P(
        "money-004",
        "A store sells pencils in packs of 12 for \\$3.60. What is the cost of one pencil, "
        "in cents?",
        "30",
        ("30", "30 \\text{ cents}", "30"),
        ("25", "3", "36"),
        (
            "\\$3.60 is 360 cents.",
            "Dividing among 12 pencils: $360 / 12 = 30$ cents each.",
        ),
        "find the unit price in cents",
        plain=("30", "30 cents"),
        style="gsm",
    ),
    # ---- percentages ----------------------------------------------------------------------
    P(
        "pct-001",
        "The price of a book rises from \\$80 to \\$100. By what percent did the price increase?",
        "25\\%",
        ("25\\%", "25", "25 \\%", "25\\text{\\%}"),
        ("20\\%", "20", "125\\%"),
        (
            "The increase is $100 - 80 = 20$ dollars.",
            "As a fraction of the original price this is $\\frac{20}{80} = 0.25$.",
            "So the price increased by 25 percent.",
        ),
        "compute the percent increase from 80 to 100",
        plain=("25%", "25"),
        wrong_plain=("20%",),
    ),
    P(
        "pct-002",
        "What percent of $80$ is $12$?",
        "15",
        ("15", "15\\%", "15 \\%"),
        ("12", "6.67\\%", "20\\%"),
        (
            "We want $p$ with $\\frac{p}{100} \\cdot 80 = 12$.",
            "So $p = \\frac{12 \\cdot 100}{80} = 15$.",
        ),
        "find what percent 12 is of 80",
        plain=("15", "15%"),
        wrong_plain=("12", "20%"),
    ),
    P(
        "pct-003",
        "A jacket originally costs \\$60 and is on sale for 35\\% off. What is the sale price "
        "in dollars?",
        "39",
        ("39", "\\$39", "\\$39.00", "39 \\text{ dollars}"),
        ("21", "\\$25", "\\$81"),
        (
            "The discount is $0.35 \\times 60 = 21$ dollars.",
            "The sale price is $60 - 21 = 39$ dollars.",
        ),
        "apply a 35 percent discount to 60 dollars",
        plain=("39", "$39"),
        wrong_plain=("21", "$25"),
        style="gsm",
    ),
    # ---- degrees --------------------------------------------------------------------------
    P(
        "deg-001",
        "What is the measure, in degrees, of each interior angle of a regular hexagon?",
        "120",
        ("120", "120^\\circ", "120^{\\circ}", "120 \\text{ degrees}", "120^\\circ"),
        ("108^\\circ", "60", "135^\\circ"),
        (
            "The interior angles of an $n$-gon sum to $180(n - 2)$ degrees.",
            "For a hexagon that is $180 \\cdot 4 = 720$ degrees.",
            "Each of the 6 equal angles is $720 / 6 = 120$ degrees.",
        ),
        "find the interior angle of a regular hexagon",
        plain=("120", "120 degrees", "120°"),
        wrong_plain=("108", "60 degrees"),
    ),
    P(
        "deg-002",
        "The angles of a triangle are in the ratio $2:3:4$. What is the measure, in degrees, "
        "of the largest angle?",
        "80^\\circ",
        ("80^\\circ", "80", "80^{\\circ}", "80^\\circ"),
        ("40^\\circ", "60^\\circ", "90"),
        (
            "Write the angles as $2k$, $3k$ and $4k$.",
            "They sum to $9k = 180^\\circ$, so $k = 20^\\circ$.",
            "The largest angle is $4k = 80^\\circ$.",
        ),
        "split 180 degrees in the ratio 2:3:4",
        plain=("80", "80 degrees"),
        wrong_plain=("40", "60"),
    ),
    # ---- radicals -------------------------------------------------------------------------
    P(
        "rad-001",
        "What is the distance between the points $(1, 2)$ and $(3, 6)$? Express your answer in "
        "simplest radical form.",
        "2\\sqrt{5}",
        ("2\\sqrt{5}", "2\\sqrt5", "\\sqrt{20}", "2 \\sqrt{5}"),
        ("4\\sqrt{5}", "\\sqrt{10}", "2\\sqrt{3}"),
        (
            "By the distance formula, $d = \\sqrt{(3-1)^2 + (6-2)^2}$.",
            "That is $\\sqrt{4 + 16} = \\sqrt{20}$.",
            "Since $20 = 4 \\cdot 5$, $\\sqrt{20} = 2\\sqrt{5}$.",
        ),
        "apply the distance formula",
        plain=("2√5", "sqrt(20)"),
        wrong_plain=("4√5", "sqrt(10)"),
    ),
    P(
        "rad-002",
        "Simplify $\\sqrt{48}$.",
        "4\\sqrt{3}",
        ("4\\sqrt{3}", "4\\sqrt3", "4 \\sqrt{3}", "2\\sqrt{12}"),
        ("8\\sqrt{3}", "16\\sqrt{3}", "3\\sqrt{4}", "6\\sqrt{2}"),
        (
            "Factor out the largest perfect square: $48 = 16 \\cdot 3$.",
            "So $\\sqrt{48} = \\sqrt{16} \\cdot \\sqrt{3} = 4\\sqrt{3}$.",
        ),
        "pull perfect squares out of sqrt(48)",
    ),
    P(
        "rad-003",
        "Rationalize the denominator: $\\frac{1}{\\sqrt{2}}$.",
        "\\frac{\\sqrt{2}}{2}",
        (
            "\\frac{\\sqrt{2}}{2}",
            "\\frac{\\sqrt2}{2}",
            "\\dfrac{\\sqrt{2}}{2}",
            "\\frac{1}{2}\\sqrt{2}",
        ),
        ("\\sqrt{2}", "\\frac{\\sqrt{2}}{4}", "2\\sqrt{2}"),
        (
            "Multiply numerator and denominator by $\\sqrt{2}$.",
            "This gives $\\frac{\\sqrt{2}}{\\sqrt{2} \\cdot \\sqrt{2}} = \\frac{\\sqrt{2}}{2}$.",
        ),
        "rationalize 1 over root 2",
    ),
    P(
        "rad-004",
        "What is the area of an equilateral triangle with side length $2$?",
        "\\sqrt{3}",
        ("\\sqrt{3}", "\\sqrt3", "\\frac{4\\sqrt{3}}{4}", "\\sqrt{3}"),
        ("2\\sqrt{3}", "\\frac{\\sqrt{3}}{2}", "2"),
        (
            "The area of an equilateral triangle with side $s$ is $\\frac{\\sqrt{3}}{4} s^2$.",
            "With $s = 2$ this is $\\frac{\\sqrt{3}}{4} \\cdot 4 = \\sqrt{3}$.",
        ),
        "compute the area of an equilateral triangle",
    ),
    P(
        "rad-005",
        "What is the height of an equilateral triangle with side length $4$? Express your answer "
        "in simplest radical form.",
        "2\\sqrt{3}",
        ("2\\sqrt{3}", "\\sqrt{12}", "2\\sqrt3", "2 \\sqrt{3}"),
        ("4\\sqrt{3}", "\\sqrt{3}", "2\\sqrt{2}"),
        (
            "The height splits the triangle into two right triangles with hypotenuse 4 and leg 2.",
            "By the Pythagorean theorem, $h^2 = 4^2 - 2^2 = 12$.",
            "So $h = \\sqrt{12} = 2\\sqrt{3}$.",
        ),
        "find the altitude of an equilateral triangle",
        plain=("2√3", "sqrt(12)"),
    ),
    # ---- multiples of pi ------------------------------------------------------------------
    P(
        "pi-001",
        "What is the area of a circle with radius $3$? Express your answer in terms of $\\pi$.",
        "9\\pi",
        ("9\\pi", "9 \\pi", "9\\pi", "\\pi \\cdot 9"),
        ("6\\pi", "3\\pi", "81\\pi"),
        (
            "The area of a circle is $\\pi r^2$.",
            "With $r = 3$ this is $\\pi \\cdot 9 = 9\\pi$.",
        ),
        "compute the area of a circle of radius 3",
        plain=("9π", "9pi"),
        wrong_plain=("6π", "6pi"),
    ),
    P(
        "pi-002",
        "What is the volume of a sphere with radius $3$? Express your answer in terms of $\\pi$.",
        "36\\pi",
        ("36\\pi", "36 \\pi", "36\\pi"),
        ("12\\pi", "108\\pi", "27\\pi"),
        (
            "The volume of a sphere is $\\frac{4}{3}\\pi r^3$.",
            "With $r = 3$, $r^3 = 27$.",
            "So the volume is $\\frac{4}{3} \\cdot 27 \\pi = 36\\pi$.",
        ),
        "compute the volume of a sphere of radius 3",
        plain=("36π", "36pi"),
    ),
    P(
        "pi-003",
        "A circle has radius $1$. What is the length of the arc cut off by a central angle of "
        "$120^\\circ$?",
        "\\frac{2\\pi}{3}",
        ("\\frac{2\\pi}{3}", "\\frac{2}{3}\\pi", "\\dfrac{2\\pi}{3}", "2\\pi/3"),
        ("\\frac{\\pi}{3}", "\\frac{4\\pi}{3}", "120"),
        (
            "The arc length is the fraction $\\frac{120}{360} = \\frac{1}{3}$ of the circumference.",
            "The circumference is $2\\pi \\cdot 1 = 2\\pi$.",
            "So the arc length is $\\frac{1}{3} \\cdot 2\\pi = \\frac{2\\pi}{3}$.",
        ),
        "find an arc length on the unit circle",
        plain=("2π/3", "2pi/3"),
    ),
    # ---- symbolic expressions -------------------------------------------------------------
    P(
        "expr-001",
        "Expand $(x + 2)(x - 3)$.",
        "x^2 - x - 6",
        ("x^2 - x - 6", "x^2-x-6", "x^{2} - x - 6", "-6 - x + x^2"),
        ("x^2 + x - 6", "x^2 - 5x - 6", "x^2 - 6"),
        (
            "Use FOIL: $x \\cdot x = x^2$, $x \\cdot (-3) = -3x$, $2 \\cdot x = 2x$, $2 \\cdot (-3) = -6$.",
            "Combining like terms, $-3x + 2x = -x$.",
        ),
        "expand a product of two binomials",
        plain=("x^2 - x - 6",),
    ),
    P(
        "expr-002",
        "Simplify $\\frac{x^2 - 1}{x - 1}$ for $x \\neq 1$.",
        "x + 1",
        ("x + 1", "x+1", "1 + x"),
        ("x - 1", "x^2", "x"),
        (
            "Factor the numerator as a difference of squares: $x^2 - 1 = (x - 1)(x + 1)$.",
            "Cancel the common factor $x - 1$, which is allowed since $x \\neq 1$.",
        ),
        "cancel a common factor",
        plain=("x + 1", "x+1"),
    ),
    P(
        "expr-003",
        "If $f(x) = 2x + 3$, find $f^{-1}(x)$.",
        "\\frac{x - 3}{2}",
        ("\\frac{x - 3}{2}", "\\frac{x-3}{2}", "\\frac{x}{2} - \\frac{3}{2}", "(x-3)/2"),
        ("\\frac{x + 3}{2}", "2x - 3", "\\frac{1}{2x + 3}"),
        (
            "Write $y = 2x + 3$ and solve for $x$.",
            "Then $x = \\frac{y - 3}{2}$.",
            "Swapping the roles of $x$ and $y$ gives the inverse.",
        ),
        "invert a linear function",
        plain=("(x-3)/2",),
    ),
    # ---- sets of solutions ----------------------------------------------------------------
    P(
        "set-001",
        "Find all solutions to $x^2 - 5x + 6 = 0$. Enter all the solutions, separated by commas.",
        "2, 3",
        ("2, 3", "2,3", "3, 2", "\\{2, 3\\}", "x = 2, 3"),
        ("-2, -3", "2, -3", "6"),
        (
            "Factor: $x^2 - 5x + 6 = (x - 2)(x - 3)$.",
            "Setting each factor to zero gives $x = 2$ or $x = 3$.",
        ),
        "solve a quadratic by factoring",
        plain=("2, 3", "2 and 3"),
        wrong_plain=("-2, -3",),
    ),
    P(
        "set-002",
        "Find all real $x$ such that $x^2 = 16$. Enter the solutions separated by commas.",
        "-4, 4",
        ("-4, 4", "4, -4", "\\pm 4", "-4,4"),
        ("4", "-4", "16"),
        (
            "Take square roots of both sides: $x = \\pm\\sqrt{16}$.",
            "Since $\\sqrt{16} = 4$, the solutions are $4$ and $-4$.",
        ),
        "solve x^2 = 16",
        plain=("-4, 4", "±4"),
    ),
    # ---- intervals ------------------------------------------------------------------------
    P(
        "interval-001",
        "Solve the inequality $|x - 1| < 3$. Express your answer in interval notation.",
        "(-2, 4)",
        ("(-2, 4)", "(-2,4)", "x \\in (-2, 4)", "-2 < x < 4"),
        ("[-2, 4]", "(-4, 2)", "(-\\infty, 4)"),
        (
            "The inequality $|x - 1| < 3$ means $-3 < x - 1 < 3$.",
            "Adding 1 throughout gives $-2 < x < 4$.",
        ),
        "solve an absolute value inequality",
        plain=("(-2, 4)",),
        wrong_plain=("[-2, 4]",),
    ),
    P(
        "interval-002",
        "What is the domain of the function $f(x) = \\sqrt{x - 2}$? Express your answer in "
        "interval notation.",
        "[2, \\infty)",
        ("[2, \\infty)", "[2,\\infty)", "[2, +\\infty)", "\\left[2, \\infty\\right)"),
        ("(2, \\infty)", "[-2, \\infty)", "(-\\infty, 2]"),
        (
            "The expression under the square root must be nonnegative.",
            "So $x - 2 \\ge 0$, that is, $x \\ge 2$.",
        ),
        "find where x - 2 is nonnegative",
    ),
    # ---- tuples ---------------------------------------------------------------------------
    P(
        "tuple-001",
        "Solve the system $x + y = 5$, $x - y = 1$. Enter your answer as an ordered pair $(x, y)$.",
        "(3, 2)",
        ("(3, 2)", "(3,2)", "\\left(3, 2\\right)", "x = 3, y = 2"),
        ("(2, 3)", "(3, -2)", "(4, 1)"),
        (
            "Adding the two equations gives $2x = 6$, so $x = 3$.",
            "Then $y = 5 - x = 2$.",
        ),
        "solve a 2 by 2 linear system",
        plain=("(3, 2)",),
        wrong_plain=("(2, 3)",),
    ),
    P(
        "tuple-002",
        "Find the center of the circle with equation $x^2 - 4x + y^2 + 6y = 3$.",
        "(2, -3)",
        ("(2, -3)", "(2,-3)", "\\left(2, -3\\right)"),
        ("(-2, 3)", "(4, -6)", "(2, 3)"),
        (
            "Complete the square in $x$: $x^2 - 4x = (x - 2)^2 - 4$.",
            "Complete the square in $y$: $y^2 + 6y = (y + 3)^2 - 9$.",
            "So the equation is $(x - 2)^2 + (y + 3)^2 = 16$.",
        ),
        "complete the square to find the center",
        plain=("(2, -3)",),
        wrong_plain=("(-2, 3)",),
    ),
    # ---- equations ------------------------------------------------------------------------
    P(
        "eq-001",
        "Find the equation of the line with slope $2$ passing through $(0, 1)$. Write it in the "
        "form $y = mx + b$.",
        "y = 2x + 1",
        ("y = 2x + 1", "y=2x+1", "y = 1 + 2x"),
        ("y = 2x - 1", "y = x + 2", "y = 2x"),
        (
            "In slope-intercept form $y = mx + b$, the slope is $m = 2$.",
            "The line passes through $(0, 1)$, so the intercept is $b = 1$.",
        ),
        "write the line in slope-intercept form",
        plain=("y = 2x + 1",),
        wrong_plain=("y = 2x - 1",),
    ),
    # ---- text answers ---------------------------------------------------------------------
    P(
        "text-001",
        "Is $91$ a prime number? Answer Yes or No.",
        "\\text{No}",
        ("\\text{No}", "\\text{no}", "\\textbf{No}", "\\text{No}"),
        ("\\text{Yes}", "\\text{yes}"),
        (
            "Check small divisors: 91 is not divisible by 2, 3 or 5.",
            "But $91 = 7 \\times 13$.",
            "So 91 has divisors other than 1 and itself.",
        ),
        "decide whether 91 is prime",
        plain=("No", "no"),
        wrong_plain=("Yes",),
    ),
    P(
        "text-002",
        "Today is Monday. What day of the week will it be $100$ days from today?",
        "\\text{Wednesday}",
        ("\\text{Wednesday}", "\\text{wednesday}", "\\text{Wednesday}"),
        ("\\text{Tuesday}", "\\text{Thursday}", "\\text{Monday}"),
        (
            "Days of the week repeat every 7 days.",
            "Since $100 = 7 \\cdot 14 + 2$, 100 days from now is 2 days after Monday.",
        ),
        "reduce 100 days modulo 7",
        plain=("Wednesday",),
        wrong_plain=("Tuesday", "Thursday"),
    ),
    P(
        "choice-001",
        "Which curve is the graph of $y = x^2$? "
        "$\\textbf{(A)}$ a line $\\quad \\textbf{(B)}$ a parabola $\\quad \\textbf{(C)}$ a circle "
        "$\\quad \\textbf{(D)}$ a hyperbola",
        "\\text{(B)}",
        ("\\text{(B)}", "\\textbf{(B)}", "B", "\\text{B}"),
        ("\\text{(C)}", "\\textbf{(D)}", "A"),
        (
            "The equation $y = x^2$ is a polynomial of degree 2 in $x$.",
            "The graph of any quadratic $y = ax^2 + bx + c$ with $a \\neq 0$ is a parabola.",
        ),
        "identify the graph of y = x^2",
        plain=("B", "(B)"),
        wrong_plain=("C", "(D)"),
    ),
)


# ---- wording ------------------------------------------------------------------------------

OPENERS = (
    "Let's solve this step by step.",
    "I need to work through this carefully.",
    "To solve this problem, I'll break it into steps.",
    "Let me think about this problem.",
    "We start by setting up the computation.",
    "First, let's understand what the problem is asking.",
    "Here's how to approach this.",
    "",
)

RESTATEMENTS = (
    "The problem says: {q}",
    "We are asked the following. {q}",
    "Restating the question: {q}",
)

STEP_PREFIXES = (
    "",
    "",
    "",
    "Next, ",
    "Now, ",
    "Then ",
    "We note that ",
    "Observe that ",
)

THINK_FILLERS = (
    "Hmm, let me make sure I'm reading this right.",
    "Wait, let me double-check that.",
    "Okay, that seems right.",
    "Let me verify this another way.",
    "Hmm, is that correct? Yes, I think so.",
    "Alright.",
)

CHECKS = (
    "Let me double-check: the computation is consistent.",
    "This matches a quick sanity check.",
    "Everything checks out.",
    "",
    "",
)

RECAPS = (
    "To recap the whole argument:",
    "Let me verify each step once more.",
    "Summary of the reasoning:",
)

WRONG_TURNS = (
    "Wait, I think I need to adjust the last step.",
    "Hmm, let me redo the final step more quickly.",
    "Actually, I'll simplify this a bit differently.",
    "",
)


def _step_text(rng: random.Random, steps: tuple[str, ...], numbered: bool) -> list[str]:
    out = []
    for i, step in enumerate(steps):
        if numbered:
            out.append(f"{i + 1}. {step}")
        else:
            prefix = rng.choice(STEP_PREFIXES) if i else ""
            out.append(prefix + (step[0].lower() + step[1:] if prefix else step))
    return out


def _final_line(rng: random.Random, p: Problem, math_form: str, plain_form: str | None) -> str:
    """One way of stating the final answer, chosen with weights like real model output."""
    options = [
        (30, f"Therefore, the answer is $\\boxed{{{math_form}}}$."),
        (12, f"\\[\n\\boxed{{{math_form}}}\n\\]"),
        (10, f"So the final answer is \\boxed{{{math_form}}}."),
        (8, f"The answer is $\\boxed{{{math_form}}}$"),
        (
            10,
            f"Final Answer: The final answer is ${math_form}$. I hope it is correct.",
        ),
        (3, f"The answer is \\fbox{{{math_form}}}."),
        (6, f"**Answer:** ${math_form}$"),
    ]
    if plain_form is not None:
        options += [
            (6, f"**Answer:** {plain_form}"),
            (6, f"Answer: {plain_form}"),
            (4, f"The answer is {plain_form}."),
        ]
        if p.style == "gsm":
            options.append((18, f"#### {plain_form}"))
    weights = [w for w, _ in options]
    return rng.choices([t for _, t in options], weights=weights)[0]


def _truncate(rng: random.Random, text: str) -> str:
    """Cuts a generation off mid-stream, as when the token budget runs out."""
    cut = rng.randint(len(text) // 3, max(len(text) // 3 + 1, len(text) - 20))
    return text[:cut].rstrip()


def make_completion(rng: random.Random, p: Problem, outcome: str) -> str:
    """A completion for `p` whose final answer is right, wrong, or missing (`outcome`)."""
    if outcome == "correct":
        math_form = rng.choice(p.forms)
        plains = p.plain_forms()
    else:
        math_form = rng.choice(p.wrong)
        plains = p.plain_wrong()
    plain_form = rng.choice(plains) if plains and rng.random() < 0.6 else None

    numbered = rng.random() < 0.25
    steps = _step_text(rng, p.steps, numbered)
    if outcome == "incorrect":
        turn = rng.choice(WRONG_TURNS)
        if turn:
            i = rng.randrange(len(steps))
            steps[i] += " " + turn
        # A wrong answer seldom follows a fully correct derivation: drop the last step.
        if len(steps) > 2:
            steps.pop()
    think = rng.random() < 0.3

    restated = rng.choice(RESTATEMENTS).format(q=p.problem)
    if think:
        body = [f"Okay, so I need to {p.task}. {restated}"]
        for step in steps:
            body.append(step)
            if rng.random() < 0.35:
                body.append(rng.choice(THINK_FILLERS))
        if rng.random() < 0.5:
            body.append("Let me go over it once more. " + " ".join(steps))
        if outcome != "no_answer" and rng.random() < 0.3:
            # A tentative, wrong boxed value inside the reasoning, later corrected.
            wrong_guess = rng.choice(p.wrong)
            if wrong_guess != math_form:
                body.insert(
                    rng.randint(1, len(body)),
                    f"So the answer would be \\boxed{{{wrong_guess}}}? "
                    "No wait, that's not right, let me redo this.",
                )
        reasoning = "<think>\n" + "\n\n".join(body) + "\n</think>\n\n"
        summary = rng.choice(
            (
                "To summarize the solution:\n\n" + " ".join(p.steps[:2]),
                steps[-1],
                "",
            )
        )
        text = reasoning + (summary + "\n\n" if summary else "")
    else:
        opener = rng.choice(OPENERS)
        if rng.random() < 0.5:
            opener = (opener + " " + restated).strip()
        sep = "\n" if numbered else rng.choice(("\n\n", " "))
        text = (opener + "\n\n" if opener else "") + sep.join(steps) + "\n\n"
        check = rng.choice(CHECKS)
        if check:
            text += check + "\n\n"
        if rng.random() < 0.4:
            text += rng.choice(RECAPS) + " " + " ".join(p.steps) + "\n\n"

    if outcome == "no_answer":
        # Cut before any final answer is written: the token budget ran out mid-reasoning.
        return _truncate(rng, text)
    return text + _final_line(rng, p, math_form, plain_form)


@dataclass(frozen=True)
class Sample:
    record: dict[str, object]
    # What the generator meant: "correct", "incorrect" or "no_answer". Not written to the dump.
    intended: str
    category: str


def generate(samples_per_problem: int = SAMPLES_PER_PROBLEM, seed: int = SEED) -> list[Sample]:
    """All samples, grouped by problem, sample_idx 0..samples_per_problem-1."""
    rng = random.Random(seed)
    out: list[Sample] = []
    for p in PROBLEMS:
        for idx in range(samples_per_problem):
            r = rng.random()
            if r < TRUNCATED_RATE:
                outcome = "no_answer"
            elif r < TRUNCATED_RATE + WRONG_RATE:
                outcome = "incorrect"
            else:
                outcome = "correct"
            record = {
                "problem_id": p.problem_id,
                "problem": p.problem,
                "answer": p.gold,
                "completion": make_completion(rng, p, outcome),
                "sample_idx": idx,
            }
            out.append(Sample(record, outcome, p.category))
    return out


def generate_n(n: int, seed: int = SEED) -> list[Sample]:
    """Exactly `n` samples: every problem gets ceil(n / #problems) or one fewer."""
    per = -(-n // len(PROBLEMS))
    samples = generate(per, seed)
    excess = per * len(PROBLEMS) - n
    # Drop the last sample of the last `excess` problems so problems stay contiguous.
    drop = (
        {(p.problem_id, per - 1) for p in PROBLEMS[len(PROBLEMS) - excess :]} if excess else set()
    )
    return [s for s in samples if (s.record["problem_id"], s.record["sample_idx"]) not in drop]


def write_jsonl(samples: list[Sample], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for s in samples:
            f.write(json.dumps(s.record, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=SAMPLES_PER_PROBLEM, help="samples per problem")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).resolve().parent / "samples.jsonl"
    )
    args = ap.parse_args(argv)
    samples = generate(args.samples, args.seed)
    write_jsonl(samples, args.output)
    counts: dict[str, int] = {}
    for s in samples:
        counts[s.intended] = counts.get(s.intended, 0) + 1
    print(
        f"wrote {len(samples)} samples of {len(PROBLEMS)} problems to {args.output} "
        f"({args.output.stat().st_size / 1024:.0f} KiB; intended: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + ")",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
