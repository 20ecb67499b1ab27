"""`Model.is_polluting` answers through prefix indexes; it must equal the plain definition
(`chainlink.scoring.components.polluting`: a prefix either way) for any codes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chainlink.scoring import components as C
from chainlink.scoring.model import Model

CODES = st.lists(st.text(alphabet="012369", max_size=5), max_size=4)


class _Listed(Model):
    def __init__(self, listed: list[str]) -> None:  # no registry: only the pollution list is used
        self.__dict__["pollution_codes"] = listed


@settings(max_examples=500, deadline=None)
@given(CODES, CODES)
def test_is_polluting_is_the_plain_definition(codes: list[str], listed: list[str]) -> None:
    assert _Listed(listed).is_polluting(codes) == C.polluting(codes, listed)


def test_registry_segments() -> None:
    from chainlink.store.registry import Registry

    model = Model(Registry.open())
    for _key, node in model.graph.nodes(data=True):
        assert model.is_polluting(node["codes"]) == C.polluting(node["codes"], model.pollution_codes)
