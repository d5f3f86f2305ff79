"""Benchmark metrics on numpy arrays: the unbiased pass@k estimator (kernel in Rust)."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from . import _core

if TYPE_CHECKING:  # numpy is imported on first use: `import mathb` stays fast
    import numpy as np
    import numpy.typing as npt

    ArrayLike = npt.ArrayLike


@overload
def pass_at_k(n: int, c: int, k: int) -> float: ...
@overload
def pass_at_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> float | npt.NDArray[np.float64]: ...
def pass_at_k(n: ArrayLike, c: ArrayLike, k: ArrayLike) -> float | npt.NDArray[np.float64]:
    """Unbiased pass@k = 1 − C(n−c, k)/C(n, k), computed as 1 − Π_{i=n−c+1..n}(1 − k/i).

    `n` samples per problem, `c` of them correct. Arguments broadcast like numpy arrays;
    scalars in give a float out. Raises InvalidArgumentError when c > n or k ∉ [1, n].
    """
    import numpy as np

    arrays = [np.asarray(a) for a in (n, c, k)]
    for name, a in zip("nck", arrays):
        if a.size and not np.issubdtype(a.dtype, np.integer):
            if not np.all(np.equal(np.mod(a, 1), 0)):
                raise _core.InvalidArgumentError(f"{name} must hold integers")
    bn, bc, bk = np.broadcast_arrays(*arrays)
    flat = [np.ascontiguousarray(b, dtype=np.int64).ravel() for b in (bn, bc, bk)]
    out = _core.pass_at_k_array(*flat).reshape(bn.shape)
    if out.ndim == 0:
        return float(out)
    return out


__all__ = ["pass_at_k"]
