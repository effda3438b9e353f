"""Line charts as plain SVG (no plotting library), one file per chart."""

import math
from xml.sax.saxutils import escape

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]
WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 70, 170, 40, 50


def nice_step(span, ticks=6):
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks over span."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def format_number(value):
    if abs(value) >= 10000:
        return f"{value / 1000:.0f}k"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def line_chart(path, title, x_label, y_label, series, note=None):
    """Writes an SVG line chart. series: [(name, [[x, y], ...], dashed, colour_index)]; empty ones are left out."""
    series = [s for s in series if s[1]]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>']
    if not series:
        out.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no data</text></svg>')
        _write(path, out)
        return
    xs = [p[0] for s in series for p in s[1]]
    ys = [p[1] for s in series for p in s[1]]
    x_max = max(xs) or 1.0
    y_max = max(ys) or 1.0
    x_step, y_step = nice_step(x_max), nice_step(y_max)
    x_top = math.ceil(x_max / x_step) * x_step
    y_top = math.ceil(y_max * 1.05 / y_step) * y_step

    def sx(x):
        return LEFT + x / x_top * plot_w

    def sy(y):
        return TOP + plot_h - y / y_top * plot_h

    tick = 0.0
    while tick <= y_top + 1e-9:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
                   f'stroke="#e5e5e5"/>')
        out.append(f'<text x="{LEFT - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{format_number(tick)}</text>')
        tick += y_step
    tick = 0.0
    while tick <= x_top + 1e-9:
        out.append(f'<line x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" '
                   f'stroke="black"/>')
        out.append(f'<text x="{sx(tick):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
                   f'{format_number(tick)}</text>')
        tick += x_step
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate(16,{TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">'
               f'{escape(y_label)}</text>')
    for index, (name, points, dashed, colour_index) in enumerate(series):
        colour = COLOURS[colour_index % len(COLOURS)]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6"{dash} points="{coords}"/>')
        if len(points) == 1:
            x, y = points[0]
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>')
        legend_y = TOP + 12 + index * 18
        out.append(f'<line x1="{LEFT + plot_w + 12}" x2="{LEFT + plot_w + 34}" y1="{legend_y - 4}" '
                   f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{LEFT + plot_w + 40}" y="{legend_y}">{escape(name)}</text>')
    if note:
        out.append(f'<text x="{LEFT + plot_w + 12}" y="{TOP + plot_h}" font-size="10" fill="#555">'
                   f'{escape(note)}</text>')
    out.append("</svg>")
    _write(path, out)


def _write(path, lines):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
