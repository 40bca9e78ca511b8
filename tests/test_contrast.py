"""Every text colour of the style sheet is readable on the white page: WCAG 2.1 contrast of at least 4.5:1."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "app.css"


def luminance(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colours(css: str) -> set[str]:
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    colours = set()
    for value in re.findall(r"(?<![-\w])color:\s*([^;}]+)", css):
        value = value.strip().removesuffix("!important").strip()
        match = re.fullmatch(r"var\((--[\w-]+)\)", value)
        colours.add(variables[match.group(1)] if match else value)
    return colours


def test_the_contrast_formula_on_known_pairs():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_every_text_colour_reads_on_white():
    colours = text_colours(CSS.read_text())
    assert len(colours) >= 5
    weak = {c: round(contrast(c, "#ffffff"), 2) for c in colours if contrast(c, "#ffffff") < 4.5}
    assert not weak, f"text colours below 4.5:1 on white: {weak}"
