"""An unknown name with no near match points to the command that lists names of its kind."""

import pytest

from chainlink.errors import DataError
from chainlink.store.registry import Registry
from chainlink.store.resolve import Resolver


@pytest.mark.parametrize(
    ("kinds", "hint"),
    [
        (("county",), "list them with `chainlink counties`"),
        (("partner",), "list them with `chainlink pairs`"),
        (("chain",), "list them with `chainlink chains list`"),
        (("county", "partner", "chain"),
         "list them with `chainlink counties` or `chainlink pairs` or `chainlink chains list`"),
    ],
)
def test_unknown_name_hint_names_the_listing_command(kinds, hint):
    resolver = Resolver.from_registry(Registry.open(None))
    with pytest.raises(DataError) as info:
        resolver.resolve("zzzzqqq", kinds)
    assert str(info.value) == f"unknown {' or '.join(kinds)} 'zzzzqqq'; {hint}"
