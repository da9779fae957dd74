"""Slack's published Block Kit limits, checked on every message a test sees."""

from __future__ import annotations

TEXT_BLOCKS = {"section": 3000, "header": 150}


ACTION_ELEMENTS = {"button", "timepicker", "static_select", "checkboxes", "datepicker"}


def assert_valid_message(message: dict, max_blocks: int = 50) -> None:
    assert message.get("text", "").strip(), "a message needs fallback text"
    assert_valid_blocks(message.get("blocks", []), max_blocks)


def assert_valid_view(view: dict) -> None:
    """Home tabs and modals: up to 100 blocks."""
    assert view["type"] in ("home", "modal")
    assert_valid_blocks(view["blocks"], 100)


def assert_valid_blocks(blocks: list[dict], max_blocks: int) -> None:
    assert 0 < len(blocks) <= max_blocks
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), "block ids must be unique"
    for block in blocks:
        kind = block["type"]
        if kind in TEXT_BLOCKS:
            assert 0 < len(block["text"]["text"]) <= TEXT_BLOCKS[kind]
            assert block["text"]["type"] in ("mrkdwn", "plain_text")
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            for element in block["elements"]:
                assert element["type"] in ACTION_ELEMENTS
                if element["type"] == "button":
                    assert 0 < len(element["text"]["text"]) <= 75 and len(element.get("value", "")) <= 2000
                assert len(element["action_id"]) <= 255
            action_ids = [element["action_id"] for element in block["elements"]]
            assert len(action_ids) == len(set(action_ids))
        else:
            assert kind in ("divider", "input", "image"), f"unexpected block type {kind}"
