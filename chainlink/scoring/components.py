"""The score components as pure functions: one per component, each in [0, 1], formula in the docstring.

docs/scoring.md tabulates the same formulas; the values (decay, per-kind values, factors) come from
the preset (``chainlink/presets/default.yaml``). Nothing here reads the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import mul

from chainlink.base.industries import code_match


def chain_fit(strength: float, hops: int, decay: float, *, basis: str = "industry", overlap_factor: float = 0.5) -> float:
    """How firmly the county holds the segment next to the suggestion:
    ``strength · decay^max(0, hops − 1)``; a holding that rests only on a GB/T code overlap
    (``basis = overlap``) counts ``overlap_factor`` of that; no holding at all (``strength = 0``) is 0.

    >>> chain_fit(1.0, 1, 0.5), chain_fit(1.0, 2, 0.5), chain_fit(0.8, 0, 0.5)
    (1.0, 0.5, 0.8)
    >>> chain_fit(1.0, 0, 0.5, basis="overlap", overlap_factor=0.5)
    0.5
    """
    value = strength * decay ** max(0, hops - 1)
    if basis == "overlap":
        value *= overlap_factor
    return round(value, 6)


def landing_fit(county_fit: float, host_fit: float, landing: str) -> float:
    """Chain fit at the landing place: on the county platform the county's own chain fit; in an enclave
    in the partner's territory the better of that and the partner's fit (the enclave sits among the
    partner's industry, which is why projects land there).

    >>> landing_fit(0.0, 1.0, "county"), landing_fit(0.0, 1.0, "enclave"), landing_fit(0.5, 0.25, "enclave")
    (0.0, 1.0, 0.5)
    """
    return county_fit if landing != "enclave" else max(county_fit, host_fit)


def link(weights: Iterable[float]) -> float:
    """Product of the edge weights along the path (1 for a path without edges).

    >>> link([0.5, 0.4]), link([])
    (0.2, 1.0)
    """
    value = 1.0
    for w in weights:
        value *= float(w)
    return round(value, 6)


def gap(relation: str, values: Mapping[str, float]) -> float:
    """Value of the move: ``relation_value[relation]`` (补链 fill > 延链 extend > 强链 strengthen > related).

    >>> gap("fill", {"fill": 1.0, "extend": 0.7, "strengthen": 0.5, "related": 0.3})
    1.0
    """
    return float(values[relation])


def pairing(kind: str | None, on_chain: bool, values: Mapping[str, float]) -> float:
    """The channel: ``pairing_value[kind]``; a dual-chain pilot named for this very chain gets
    ``dual_chain_pilot_on_chain``; no pairing gets ``none``.

    >>> v = {"dual_chain_pilot_on_chain": 1.0, "dual_chain_pilot": 0.9, "zone_pair": 0.8, "none": 0.0}
    >>> pairing("dual_chain_pilot", True, v), pairing("zone_pair", True, v), pairing(None, False, v)
    (1.0, 0.8, 0.0)
    """
    if not kind:
        return float(values["none"])
    if kind == "dual_chain_pilot" and on_chain:
        return float(values["dual_chain_pilot_on_chain"])
    return float(values[kind])


def code_closeness(partner_code: str, segment_code: str, values: Mapping[str, float]) -> tuple[float, str]:
    """How close a partner's industry code is to a segment's code, and the level:
    ``class`` (:func:`chainlink.base.industries.code_match` of the partner's code on the segment's ≥ 0.8: the
    same code, a narrower one, or one level broader),
    ``group`` (same 3-digit 中类), ``division`` (same 2-digit 大类), else ``none``.

    >>> v = {"class": 1.0, "group": 0.75, "division": 0.5, "none": 0.0}
    >>> code_closeness("2651", "2651", v), code_closeness("265", "2651", v)
    ((1.0, 'class'), (1.0, 'class'))
    >>> code_closeness("2652", "2651", v), code_closeness("26", "2651", v), code_closeness("2614", "2921", v)
    ((0.75, 'group'), (0.5, 'division'), (0.0, 'none'))
    """
    if code_match(partner_code, segment_code) >= 0.8:
        return float(values["class"]), "class"
    if len(partner_code) >= 3 and len(segment_code) >= 3 and partner_code[:3] == segment_code[:3]:
        return float(values["group"]), "group"
    if partner_code[:2] == segment_code[:2]:
        return float(values["division"]), "division"
    return float(values["none"]), "none"


def partner_fit(evidence: Iterable[tuple[float, str]], factors: Mapping[str, float]) -> float:
    """Can the partner supply the segment: the best ``closeness · confidence_factor[confidence]``
    over its evidence (profile industries, firms, projects), 0 without any.

    >>> partner_fit([(1.0, "unverified"), (0.75, "sourced")], {"sourced": 1.0, "unverified": 0.6, "sample": 0.0})
    0.75
    >>> partner_fit([], {"sourced": 1.0})
    0.0
    """
    return round(max((v * float(factors[c]) for v, c in evidence), default=0.0), 6)


def io(
    seg_sectors: Iterable[str],
    county_sectors: Iterable[str],
    related: Mapping[tuple[str, str], float],
    rows: Callable[[str], Mapping[str, float]] | None = None,
) -> float:
    """Input–output relatedness of the segment to the county's industries:
    ``max R(s, t)`` over segment sectors s and county sectors t, 1 when s = t (NBS 2020; docs/io.md).
    ``rows(s)``, when given, is the row of ``related`` for s (t → R(s, t)), looked up once per segment sector.

    >>> io(["033"], ["034", "033"], {}), io(["033"], ["034"], {("033", "034"): 0.4}), io([], ["1"], {})
    (1.0, 0.4, 0.0)
    """
    mine = list(county_sectors)
    best = None  # max(...) over the pairs, 0 without any: written out, as scoring calls it ≈ 4,000 times per export
    for a in seg_sectors:
        row = None
        for b in mine:
            if a == b:
                value = 1.0
            elif rows is None:
                value = related.get((a, b), 0.0)
            else:
                if row is None:
                    row = rows(a)
                value = row.get(b, 0.0)
            if best is None or value > best:
                best = value
    return 0.0 if best is None else best


def polluting(segment_codes: Iterable[str], pollution_codes: Iterable[str]) -> bool:
    """Is a segment in a heavily polluting industry: does any of its codes lie inside (or contain)
    a code of the pollution list (prefix either way)?

    >>> polluting(["1910"], ["1910", "26"]), polluting(["2651"], ["26"]), polluting(["3443"], ["26"])
    (True, True, False)
    """
    listed = [c for c in pollution_codes if c]
    return any(s.startswith(p) or p.startswith(s) for s in segment_codes for p in listed)


def policy(is_polluting: bool, is_favoured: bool, values: Mapping[str, float]) -> float:
    """Fit with the mountain-platform policy: favoured (environmentally insensitive) industries
    ``favoured``, heavily polluting ones ``sensitive``, others ``default``; polluting wins.

    >>> v = {"favoured": 1.0, "sensitive": 0.1, "default": 0.6}
    >>> policy(True, True, v), policy(False, True, v), policy(False, False, v)
    (0.1, 1.0, 0.6)
    """
    if is_polluting:
        return float(values["sensitive"])
    return float(values["favoured"] if is_favoured else values["default"])


def evidence(confidence: str, values: Mapping[str, float]) -> float:
    """How well the facts used are supported: ``confidence_value[weakest confidence]``.

    >>> evidence("unverified", {"sourced": 1.0, "unverified": 0.5, "sample": 0.25})
    0.5
    """
    return float(values[confidence])


def landing(kind: str, fits: bool, values: Mapping[str, float]) -> float:
    """Where the project would land: the county platform ``county``; an enclave in the partner's
    territory ``enclave_fit`` when the enclave's kind suits the industry, else ``enclave``.

    >>> v = {"county": 1.0, "enclave_fit": 1.0, "enclave": 0.7}
    >>> landing("county", True, v), landing("enclave", True, v), landing("enclave", False, v)
    (1.0, 1.0, 0.7)
    """
    if kind != "enclave":
        return float(values["county"])
    return float(values["enclave_fit"] if fits else values["enclave"])


def total(components: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Weighted mean ``Σ w_k · c_k / Σ w_k`` over the components present.

    >>> total({"a": 1.0, "b": 0.0}, {"a": 3, "b": 1})
    0.75
    """
    w = [float(weights.get(k, 0)) for k in components]
    return weighted_mean(w, sum(w), components.values())


def weighted_mean(weights: Sequence[float], den: float, values: Iterable[float]) -> float:
    """``Σ wᵢ · vᵢ / den`` rounded to 6 places (0 when ``den``, the sum of the weights, is 0): :func:`total`'s
    arithmetic, for callers that look up the weights of a set of component names once (``values`` has one
    value per weight, in the same order).

    >>> weighted_mean([3.0, 1.0], 4.0, [1.0, 0.0])
    0.75
    """
    num = sum(map(mul, weights, values))  # the products added in order, as sum(w * v for ...) does
    return round(num / den, 6) if den else 0.0


def score(weighted: float, fact_confidence: str, factors: Mapping[str, float]) -> float:
    """The row's score: the weighted mean times ``confidence_factor`` of the weakest confidence of the
    facts about places (the holding, the pairing): unverified evidence is down-weighted.

    >>> score(0.8, "unverified", {"sourced": 1.0, "unverified": 0.6})
    0.48
    """
    return round(weighted * float(factors[fact_confidence]), 6)
