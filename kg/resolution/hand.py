"""The user's resolutions file (``--resolutions FILE``, stage 9): pairs of names that are one thing
and pairs that are not, read into :class:`HandResolutions` for :func:`kg.resolution.corpus.resolve_corpus`,
whose first and strongest rule they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError


@dataclass(frozen=True)
class HandResolutions:
    """The user's own decisions (``--resolutions FILE``): pairs of names that are one thing and
    pairs that are not."""

    same: tuple[tuple[str, str], ...] = ()
    different: tuple[tuple[str, str], ...] = ()


#: No decisions of the user's.
NO_HAND = HandResolutions()


#: A comment: "#" at the start of a line or after a space ("C# Foundation" keeps its "#").
COMMENT = re.compile(r"(?:^|\s)#.*$")
#: "not the same": "!=" with a space on each side ("Yahoo! = Yahoo Inc" is one thing).
DIFFERENT = re.compile(r"\s!=\s")


def read_resolutions(path: str | Path | None) -> HandResolutions:
    """Read a resolutions file (UTF-8, a byte-order mark allowed): one decision a line, ``#`` after
    a space or at the start of a line starts a comment::

        Tories = Conservative Party
        Bush != George W. Bush

    A name is matched against every node's name and other names, case aside. A line that is
    neither form is an :class:`~kg.errors.InputError` naming the line. No file: no decisions.
    """
    if path is None:
        return NO_HAND
    path = Path(path)
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the resolutions file ({error})") from error
    same: list[tuple[str, str]] = []
    different: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        text = COMMENT.sub("", line).strip()
        if not text:
            continue
        parts = DIFFERENT.split(text)
        target = different if len(parts) == 2 else same
        if len(parts) == 1:
            parts = text.split("=")
        if len(parts) != 2 or not all(part.strip() for part in parts):
            raise InputError(f"{path}:{number}: expected 'NAME = NAME' (one thing) or 'NAME != NAME' "
                             f"(not the same), got {line.strip()!r}")
        target.append((" ".join(parts[0].split()), " ".join(parts[1].split())))
    return HandResolutions(same=tuple(same), different=tuple(different))
