"""Which declared mutation error codes a test module never names."""

from __future__ import annotations

import inspect
import sys
from types import ModuleType


def untested_codes(
    api_module: ModuleType, test_module_name: str, only: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    """Per mutation of `api_module` (or only those named), the codes whose quoted name is
    nowhere in the test module."""
    source = inspect.getsource(sys.modules[test_module_name])
    missing = {}
    for name in only or dir(api_module):
        types = getattr(api_module, name)
        if hasattr(types, "code") and hasattr(types, "payload"):
            codes = [code.name for code in types.code if f'"{code.name}"' not in source]
            if codes:
                missing[name] = codes
    return missing
