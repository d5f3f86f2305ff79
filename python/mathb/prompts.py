"""The prompt a problem is sent with: the default template and its checks. Kept apart from
`generate` so that the command line can show the default without importing the sampler."""

from __future__ import annotations

from . import InvalidArgumentError

DEFAULT_PROMPT_TEMPLATE = (
    "{problem}\nPlease reason step by step, and put your final answer within \\boxed{}."
)


def render_prompt(template: str, problem: str) -> str:
    """The template with `{problem}` replaced; other braces (`\\boxed{}`) stay as written."""
    return template.replace("{problem}", problem)


def check_template(template: str) -> None:
    """Raises InvalidArgumentError unless the template has a `{problem}` slot."""
    if "{problem}" not in template:
        raise InvalidArgumentError(
            f"the prompt template must contain {{problem}}, got {template!r}"
        )
