"""How verdicts, statuses and rule kinds read, in English and in Chinese.

The values in results and JSON stay the language-neutral codes (``fail``, ``vetoed``,
``advisory``); a report shows them with these messages. English output has always shown the
Chinese word beside the English one (``fail 未通过``, ``一票否决 vetoed``), because the
standards and their readers are Chinese: the ``*_LABEL`` messages are that pair in English and
the Chinese word alone in Chinese. The ``*_WORD`` messages are one word: ``fail`` or ``未通过``.
"""

from __future__ import annotations

from protrules.evaluation.results import FAIL, FAILS, INCOMPLETE, MEETS, NA, PASS, PENDING, UNKNOWN, VETOED
from protrules.i18n import Message, msg

__all__ = ["KIND_WORD", "STATUS_LABEL", "STATUS_WORD", "VERDICT_LABEL", "VERDICT_WORD"]

#: A verdict in one word: "fail" / "未通过".
VERDICT_WORD: dict[str, Message] = {
    PASS: msg("pass"),
    FAIL: msg("fail"),
    PENDING: msg("pending"),
    UNKNOWN: msg("unknown"),
    NA: msg("n/a"),
}
#: A verdict with its Chinese word in English: "fail 未通过" / "未通过".
VERDICT_LABEL: dict[str, Message] = {
    PASS: msg("pass 通过"),
    FAIL: msg("fail 未通过"),
    PENDING: msg("pending 未到期"),
    UNKNOWN: msg("unknown 缺少数据"),
    NA: msg("n/a 不适用"),
}
#: An entity's status in one word: "vetoed" / "一票否决".
STATUS_WORD: dict[str, Message] = {
    MEETS: msg("meets"),
    FAILS: msg("fails"),
    VETOED: msg("vetoed"),
    INCOMPLETE: msg("incomplete"),
}
#: An entity's status, the Chinese word first in English: "一票否决 vetoed" / "一票否决".
STATUS_LABEL: dict[str, Message] = {
    MEETS: msg("达标 meets"),
    FAILS: msg("不达标 fails"),
    VETOED: msg("一票否决 vetoed"),
    INCOMPLETE: msg("待定 incomplete"),
}
#: A rule's kind: "advisory" / "提示性".
KIND_WORD: dict[str, Message] = {
    "required": msg("required"),
    "veto": msg("veto"),
    "assessed": msg("assessed"),
    "advisory": msg("advisory"),
}
