"""A software prefetch for Numba kernels: ask for a row of a 2-D array before it is read.

A kernel that reads rows at scattered places (a partner's row in the M9 kernel) waits for memory on each read
once the array outgrows the caches; asking for the row a few people ahead lets those waits overlap. The hint
changes no value: it only moves a cache line earlier (LLVM's ``llvm.prefetch``: read, keep in all levels).
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir  # type: ignore[import-untyped]
from numba.core import cgutils, types
from numba.extending import intrinsic


@intrinsic
def prefetch_row(typingctx: Any, arr: Any, row: Any) -> Any:
    """Prefetch (for reading) the cache line holding ``arr[row, 0]`` of a 2-D array; ``row`` must be in range."""
    if not (isinstance(arr, types.Array) and arr.ndim == 2 and isinstance(row, types.Integer)):
        return None
    sig = types.void(arr, row)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty, rowty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        index = context.cast(builder, args[1], rowty, types.intp)
        zero = context.get_constant(types.intp, 0)
        shape = cgutils.unpack_tuple(builder, ary.shape)  # type: ignore[no-untyped-call]
        strides = cgutils.unpack_tuple(builder, ary.strides)  # type: ignore[no-untyped-call]
        ptr = cgutils.get_item_pointer2(context, builder, data=ary.data, shape=shape,  # type: ignore[no-untyped-call]
                                        strides=strides, layout=aryty.layout, inds=[index, zero], wraparound=False,
                                        boundscheck=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        # LLVM names the intrinsic by its pointer type: "p0" with opaque pointers (LLVM >= 15), else "p0i8"
        name = "llvm.prefetch.p0" if str(i8p) == "ptr" else "llvm.prefetch.p0i8"
        fn = cgutils.get_or_insert_function(builder.module, fnty, name)  # type: ignore[no-untyped-call]
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen
