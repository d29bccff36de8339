"""jieba, loaded once on first use and shared by every thread: word boundaries and parts of speech.

Loading the dictionary takes about half a second, so nothing is loaded until a rule needs it, and the
lock makes sure two requests arriving together load it only once.
"""
from __future__ import annotations

import logging
import threading

_lock = threading.Lock()
_tokenizer = None
_tagger = None


def tokenizer():
    """jieba's default tokenizer, initialised (the studio never adds words to its dictionary)."""
    _load()
    return _tokenizer


def first_word(text: str, start: int, stop: int, skip: frozenset[str] = frozenset()) -> tuple[str, str, int]:
    """The first word of ``text[start:stop]`` not in ``skip``: (word, part of speech, end offset).

    ``("", "x", start)`` when there is none.  The span is tagged on its own, so what came before
    ``start`` cannot glue itself to the word (``最舒服`` is one word for jieba; ``舒服`` is what follows 最).
    Tagging uses the dictionary only (no HMM guessing of unknown words): a word jieba does not know comes
    out one character at a time, each with its dictionary tag, which is what the judgments need and
    keeps a keystroke's lint around a millisecond.
    """
    _load()
    offset = start
    for pair in _tagger.cut(text[start:stop], HMM=False):
        word, flag = pair.word, pair.flag
        offset += len(word)
        if word.strip() and word not in skip:
            return word, flag, offset
    return "", "x", start


def _load() -> None:
    global _tokenizer, _tagger
    if _tagger is not None:
        return
    with _lock:
        if _tagger is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.dt.check_initialized()  # importing jieba.posseg has read the words' tags
            _tokenizer = jieba.dt
            _tagger = jieba.posseg.dt
