"""The weekly summary's chart: the team's key metrics over eight weeks against their targets, as a PNG."""

from __future__ import annotations

import io
from datetime import date

from coaching.definition import ScorecardDefinition
from coaching.i18n import Language, translator

KEY_METRICS = ("csat", "fcr_rate", "recommit_rate", "aht")


def team_trend_png(
    history: list[tuple[date, dict[str, float | None]]],
    definition: ScorecardDefinition,
    targets: dict[str, float],
    title: str,
    language: Language = "en",
) -> bytes:
    # Imported here: matplotlib takes a while to load and only this weekly job needs it.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    words = translator(language)
    by_key = definition.by_key()
    figure, axes = pyplot.subplots(2, 2, figsize=(8, 5), dpi=100, sharex=True)
    labels = [words.day(start, "dd MMM") for start, _ in history]
    for axis, key in zip(axes.flat, KEY_METRICS, strict=True):
        metric = by_key[key]
        scale = 100 if metric.kind == "rate" else 1
        values = [values.get(key) for _, values in history]
        points = [(index, value * scale) for index, value in enumerate(values) if value is not None]
        if points:
            axis.plot([x for x, _ in points], [y for _, y in points], marker="o", color="#2c5f5d")
        axis.axhline(targets[key] * scale, color="#c0392b", linestyle="--", linewidth=1, label=words.gettext("target"))
        unit = "%" if metric.kind == "rate" else metric.unit_in(language).strip()
        label = metric.label_in(language)
        axis.set_title(f"{label} ({unit})" if unit else label, fontsize=10)
        axis.set_xticks(range(len(labels)), labels, rotation=45, fontsize=7)
        axis.tick_params(axis="y", labelsize=8)
    axes.flat[0].legend(fontsize=7, loc="lower left")
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()
