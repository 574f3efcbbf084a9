"""Lines for a terminal: text wrapped beside a label (a hanging indent), and URLs printed whole.

rich wraps and crops what it prints to the console's width, which would break a long URL
over two lines (or cut it with ``…``). :func:`print_url` prints a URL after its label when
both fit, else on a line of its own, and never lets rich wrap it: a terminal narrower than
the URL folds it visually, and copying it still gives one line that pastes into the next
command. :func:`hang` wraps a text beside a label without the trailing blanks of a table.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

MIN_WIDTH = 20  # a wrapped text keeps at least this many columns, however narrow the console


def print_url(console: Console, url: str, *, label: str = "", indent: int = 2, style: str = "") -> None:
    pad = " " * indent
    if label and indent + len(label) + 1 + len(url) > console.width:
        console.print(Text(pad + label), soft_wrap=True)
        label = ""
    line = Text(pad + (label + " " if label else ""))
    line.append(url, style=style)
    console.print(line, soft_wrap=True)


def hang(console: Console, label: str | Text, body: Text, indent: int = 0) -> None:
    """``label`` then ``body`` wrapped in the columns right of ``indent`` (at least one blank
    after the label); with no label and no indent, plain wrapped lines."""
    head = Text(label) if isinstance(label, str) else label.copy()
    if indent or len(head):
        head.append(" " * max(1, indent - len(head)))
    for k, line in enumerate(body.wrap(console, max(MIN_WIDTH, console.width - len(head)))):
        line.rstrip()
        console.print((head if k == 0 else Text(" " * len(head))) + line, soft_wrap=True)
