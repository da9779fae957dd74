"""Block Kit shown outside Slack: as HTML pages and in the terminal, for `repcoach demo` and `repcoach shell`."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rich.markup import escape as rich_escape

EMOJI = {
    ":wave:": "👋",
    ":bulb:": "💡",
    ":rocket:": "🚀",
    ":trophy:": "🏆",
    ":tada:": "🎉",
    ":clap:": "👏",
    ":white_check_mark:": "✅",
    ":small_orange_diamond:": "🔸",
    ":warning:": "⚠️",
    ":dart:": "🎯",
    ":chart_with_upwards_trend:": "📈",
    ":card_index:": "📇",
    ":pencil2:": "✏️",
    ":ok_hand:": "👌",
    ":fire:": "🔥",
    ":pause_button:": "⏸️",
    ":arrow_forward:": "▶️",
    ":alarm_clock:": "⏰",
    ":calendar:": "📅",
    ":speech_balloon:": "💬",
    ":palm_tree:": "🌴",
    ":wastebasket:": "🗑️",
    ":x:": "❌",
    ":bar_chart:": "📊",
    ":busts_in_silhouette:": "👥",
    ":heavy_plus_sign:": "➕",
    ":heavy_minus_sign:": "➖",
    ":star:": "⭐",
    ":key:": "🔑",
    ":see_no_evil:": "🙈",
}


def plain(mrkdwn: str, names: dict[str, str]) -> str:
    """mrkdwn as Slack shows it, before styling: mentions as names, entities and emoji decoded."""
    text = re.sub(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", lambda m: "@" + names.get(m[1], m[1]), mrkdwn)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m[2] or m[1].lower()), text)
    for code, emoji in EMOJI.items():
        text = text.replace(code, emoji)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _styled(text: str, bold: str, italic: str, code: str) -> str:
    text = re.sub(r"`([^`]+)`", code, text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", bold, text)
    return re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", italic, text)


def to_terminal(message: dict, names: dict[str, str]) -> str:
    """Rich markup for a message's blocks (or its text when it has none)."""
    lines = []
    for block in message.get("blocks") or [{"type": "section", "text": {"text": message.get("text", "")}}]:
        kind = block["type"]
        if kind in ("section", "header"):
            text = rich_escape(plain(block["text"]["text"], names))
            lines.append(
                f"[bold]{text}[/bold]"
                if kind == "header"
                else _styled(text, r"[bold]\1[/bold]", r"[italic]\1[/italic]", r"[cyan]\1[/cyan]")
            )
        elif kind == "context":
            lines += [
                f"[dim]{rich_escape(plain(element.get('text', ''), names))}[/dim]" for element in block["elements"]
            ]
        elif kind == "divider":
            lines.append("[dim]────────[/dim]")
        elif kind == "actions":
            labels = [element.get("text", {}).get("text") or element["type"] for element in block["elements"]]
            lines.append("  ".join(f"[reverse] {rich_escape(label)} [/reverse]" for label in labels))
    return "\n".join(lines)


def to_html(message: dict, names: dict[str, str], title: str, images: Sequence[str] = ()) -> str:
    parts = []
    for block in message.get("blocks") or []:
        kind = block["type"]
        if kind in ("section", "header"):
            text = html.escape(plain(block["text"]["text"], names)).replace("\n", "<br>")
            styled = _styled(text, r"<b>\1</b>", r"<i>\1</i>", r"<code>\1</code>")
            parts.append(f"<h2>{styled}</h2>" if kind == "header" else f"<p>{styled}</p>")
        elif kind == "context":
            parts += [f"<p class=context>{html.escape(plain(e.get('text', ''), names))}</p>" for e in block["elements"]]
        elif kind == "divider":
            parts.append("<hr>")
        elif kind == "actions":
            labels = [element.get("text", {}).get("text") or element["type"] for element in block["elements"]]
            parts.append(
                "<p>" + " ".join(f"<span class=button>{html.escape(label)}</span>" for label in labels) + "</p>"
            )
    parts += [f'<img src="{html.escape(image)}" alt="chart">' for image in images]
    return f"""<!doctype html>
<meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45}}
.context{{color:#666;font-size:.9em}}
.button{{border:1px solid #999;border-radius:4px;padding:.2em .6em;margin-right:.4em}}
h1{{font-size:1em;color:#555}}img{{max-width:100%}}</style>
<h1>{html.escape(title)}</h1>
{chr(10).join(parts)}
"""
