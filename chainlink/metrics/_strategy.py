"""Using the metrics: entries and exits, opportunity ranking with strategy presets, and quadrants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from chainlink.errors import SourceError, UsageError
from chainlink.metrics._checks import as_binary

WEIGHT_KEYS = ("density", "pci", "cog")
_STRATEGIES: dict[str, Strategy] = {}

#: Smart-specialisation quadrants (Balland et al. 2019): key → (English, Chinese) label.
QUADRANTS: dict[str, tuple[str, str]] = {
    "low_risk_high_gain": (
        "high relatedness, high complexity: the ideal direction",
        "高关联·高复杂度：理想方向",
    ),
    "low_risk_low_gain": (
        "high relatedness, low complexity: safe but little gain",
        "高关联·低复杂度：稳妥但收益有限",
    ),
    "high_risk_high_gain": ("low relatedness, high complexity: a long jump", "低关联·高复杂度：高风险高收益"),
    "high_risk_low_gain": ("low relatedness, low complexity: least attractive", "低关联·低复杂度：最不可取"),
}


@dataclass(frozen=True)
class Strategy:
    """A named weighting of density (feasibility), PCI and COG (attractiveness)."""

    name: str
    label_en: str
    label_zh: str
    description_en: str
    description_zh: str
    weights: dict[str, float]


def strategies() -> dict[str, Strategy]:
    """The strategy presets of ``chainlink/presets/strategies.yaml``, by name (read once)."""
    if not _STRATEGIES:
        _STRATEGIES.update(_load_strategies())
    return dict(_STRATEGIES)


def _load_strategies() -> dict[str, Strategy]:
    from chainlink.base.yamlstrict import load_yaml_text

    resource = resources.files("chainlink") / "presets" / "strategies.yaml"
    path = "chainlink/presets/strategies.yaml"
    doc = load_yaml_text(resource.read_text(encoding="utf-8"), path)
    if not isinstance(doc, dict) or doc.get("version") != 1 or not isinstance(doc.get("strategies"), dict):
        raise SourceError(path, 1, "expected `version: 1` and a `strategies:` mapping")
    found: dict[str, Strategy] = {}
    for name, entry in doc["strategies"].items():
        line = doc["strategies"].key_lines.get(name, 1)
        if not isinstance(entry, dict):
            raise SourceError(path, line, f"strategy {name!r} must be a mapping")
        texts = {}
        for key in ("label_en", "label_zh", "description_en", "description_zh"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise SourceError(path, line, f"strategy {name!r} needs a text `{key}`")
            texts[key] = value
        weights = entry.get("weights")
        if not isinstance(weights, dict):
            raise SourceError(path, line, f"strategy {name!r} needs `weights: {{density, pci, cog}}`")
        try:
            checked = check_weights(weights)
        except UsageError as exc:
            raise SourceError(path, weights.line or line, f"strategy {name!r}: {exc}") from None
        if abs(sum(weights.values()) - 1.0) > 1e-9:
            raise SourceError(path, weights.line or line, f"strategy {name!r}: weights must sum to 1")
        found[str(name)] = Strategy(name=str(name), weights=checked, **texts)
    return found


def check_weights(weights: Mapping[str, Any]) -> dict[str, float]:
    """Return ``weights`` over density, pci and cog, normalised to sum 1; missing keys count 0."""
    unknown = sorted(set(weights) - set(WEIGHT_KEYS))
    if unknown:
        raise UsageError(f"unknown weight {', '.join(map(str, unknown))}: use density, pci and cog")
    values = {}
    for key in WEIGHT_KEYS:
        value = weights.get(key, 0.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not np.isfinite(value)
            or value < 0
        ):
            raise UsageError(f"weight {key} must be a non-negative number, got {value!r}")
        values[key] = float(value)
    total = sum(values.values())
    if total <= 0:
        raise UsageError("at least one weight must be positive")
    return {key: value / total for key, value in values.items()}


class Opportunities(NamedTuple):
    """Ranked candidate products, one entry per (location, product not held), best first per location."""

    location: np.ndarray
    product: np.ndarray
    rank: np.ndarray
    score: np.ndarray
    density: np.ndarray
    pci: np.ndarray
    cog: np.ndarray
    density_scaled: np.ndarray
    pci_scaled: np.ndarray
    cog_scaled: np.ndarray


def opportunities(
    presence_matrix: Any,
    rho: Any,
    pci: Any,
    cog: Any,
    *,
    strategy: str = "balanced",
    weights: Mapping[str, float] | None = None,
    top: int | None = None,
) -> Opportunities:
    r"""Rank, for every location, the products it does not have yet (:math:`M_{cp} = 0`).

    .. math:: s_{cp} = w_\rho\,\rho'_{cp} + w_\mathrm{PCI}\,\mathrm{PCI}'_p + w_\mathrm{COG}\,\mathrm{COG}'_{cp}

    where :math:`x'` is :math:`x` min–max rescaled over the location's candidates (0.5 when they
    are all equal). Weights come from the named ``strategy`` (see :func:`strategies`) unless
    ``weights`` is given (normalised to sum 1). Ties are broken by product position.

    Parameters
    ----------
    presence_matrix, rho, cog : (locations, products)
    pci : (products,)
    top : int, optional
        Keep the best ``top`` candidates of each location.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press;
    the Atlas country pages' "growth opportunities" strategies.

    Examples
    --------
    >>> result = opportunities([[1, 0, 0]], [[1.0, 0.9, 0.1]], [0.0, 1.0, 2.0], [[0.0, 0.2, 0.4]],
    ...                        weights={"density": 1})
    >>> result.product.tolist(), result.rank.tolist()
    ([1, 2], [1, 2])
    """
    matrix = as_binary(presence_matrix).toarray()
    rho = np.asarray(rho, dtype=np.float64)
    cog = np.asarray(cog, dtype=np.float64)
    pci = np.asarray(pci, dtype=np.float64).ravel()
    if rho.shape != matrix.shape or cog.shape != matrix.shape or pci.size != matrix.shape[1]:
        raise UsageError("M, density, PCI and COG must describe the same locations and products")
    for name, values in (("density", rho), ("PCI", pci), ("COG", cog)):
        if not np.isfinite(values).all():
            raise UsageError(f"{name} holds NaN or infinite values")
    if weights is None:
        presets = strategies()
        if strategy not in presets:
            raise UsageError(f"unknown strategy {strategy!r}: use one of {', '.join(presets)}")
        w = presets[strategy].weights
    else:
        w = check_weights(weights)
    if top is not None and top < 1:
        raise UsageError(f"top must be at least 1, got {top}")
    candidate = matrix == 0
    pci_full = np.broadcast_to(pci, matrix.shape)
    scaled = {
        name: _rescale(values, candidate)
        for name, values in (("density", rho), ("pci", pci_full), ("cog", cog))
    }
    score = w["density"] * scaled["density"] + w["pci"] * scaled["pci"] + w["cog"] * scaled["cog"]
    loc, prod = np.nonzero(candidate)
    order = np.lexsort((prod, -score[loc, prod], loc))
    loc, prod = loc[order], prod[order]
    starts = np.flatnonzero(np.r_[True, loc[1:] != loc[:-1]])
    rank = np.arange(loc.size) - np.repeat(starts, np.diff(np.r_[starts, loc.size])) + 1
    keep = slice(None) if top is None else rank <= top
    loc, prod, rank = loc[keep], prod[keep], rank[keep]
    return Opportunities(
        location=loc,
        product=prod,
        rank=rank,
        score=score[loc, prod],
        density=rho[loc, prod],
        pci=pci[prod],
        cog=cog[loc, prod],
        density_scaled=scaled["density"][loc, prod],
        pci_scaled=scaled["pci"][loc, prod],
        cog_scaled=scaled["cog"][loc, prod],
    )


def _rescale(values: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    low = np.where(candidate, values, np.inf).min(axis=1, keepdims=True)
    high = np.where(candidate, values, -np.inf).max(axis=1, keepdims=True)
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(span > 0, (values - low) / np.where(span > 0, span, 1.0), 0.5)
    return np.where(candidate, out, 0.0)


def quadrants(rho: Any, pci: Any, *, split: str = "mean") -> np.ndarray:
    """Smart-specialisation quadrant of every (location, product): relatedness versus complexity.

    A product is of high relatedness for a location when its density is at least the location's
    ``split`` (mean or median) density over all products, and of high complexity when its PCI is
    at least the ``split`` PCI. Returns an array of quadrant keys (see :data:`QUADRANTS`).

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J., & Rigby, D. L. (2019). Smart specialization policy in
    the European Union: relatedness, knowledge complexity and regional diversification.
    *Regional Studies* 53(9), 1252–1268.

    Examples
    --------
    >>> quadrants([[0.9, 0.1], [0.2, 0.8]], [1.0, -1.0]).tolist()
    [['low_risk_high_gain', 'high_risk_low_gain'], ['high_risk_high_gain', 'low_risk_low_gain']]
    """
    rho = np.asarray(rho, dtype=np.float64)
    pci = np.asarray(pci, dtype=np.float64).ravel()
    if rho.ndim != 2 or rho.shape[1] != pci.size:
        raise UsageError("density must be (locations, products) and PCI (products,)")
    if split not in ("mean", "median"):
        raise UsageError(f"unknown split {split!r}: use mean or median")
    centre = np.mean if split == "mean" else np.median
    related = rho >= centre(rho, axis=1, keepdims=True)
    complex_ = np.broadcast_to(pci >= centre(pci), rho.shape)
    keys = np.array(["high_risk_low_gain", "high_risk_high_gain", "low_risk_low_gain", "low_risk_high_gain"])
    return keys[related.astype(int) * 2 + complex_.astype(int)]


def entries_exits(before: Any, after: Any) -> tuple[np.ndarray, np.ndarray]:
    """Entries (0 → 1) and exits (1 → 0) between two presence matrices of the same shape.

    Align the two periods on the same locations and products first (rows and columns in the
    same order; a product missing in one period is absent there).

    Examples
    --------
    >>> entries, exits = entries_exits([[1, 0], [0, 1]], [[1, 1], [0, 0]])
    >>> entries.tolist(), exits.tolist()
    ([[False, True], [False, False]], [[False, False], [False, True]])
    """
    first = as_binary(before, "before").toarray().astype(bool)
    second = as_binary(after, "after").toarray().astype(bool)
    if first.shape != second.shape:
        raise UsageError(
            f"the two periods have different shapes {first.shape} and {second.shape}; align them first"
        )
    return second & ~first, first & ~second
