"""Drop-in replacements for other graders' APIs, backed by mathb's core.

`mathb.compat.math_verify` has Math-Verify's ``parse`` and ``verify``.
"""
