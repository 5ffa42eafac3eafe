"""Built-in answer extractors (see :mod:`rewardkit.extractors` for the protocol).

Each returns the spans it finds, in text order, and runs in linear time on megabyte inputs:
regular expressions here have no nested unbounded quantifiers, brace matching is capped, and
only the last few ``\\boxed{}`` are matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rewardkit import ExtractContext, Extraction
from rewardkit_math.latex import EMPTY_BOX

MAX_SPAN = 2_000  # longer spans are returned cut to MAX_SPAN + 1 so the reader refuses them
MAX_BOXES = 8

MAX_ANCHORS = 256


def last_matches(
    text: str, anchor: re.Pattern[str], full: re.Pattern[str], limit: int, back: int = 40, ahead: int = 160
) -> list[re.Match[str]]:
    """The last ``limit`` matches of ``full``, in text order, found around ``anchor`` hits scanned from the end.

    ``anchor`` is a case-sensitive literal alternation (fast on megabytes); ``full`` (often
    case-insensitive, hence slow to run over a whole text) only runs in a small window around each
    anchor, and must contain the anchor. Stops once ``limit`` matches are found, so the usual cost is
    one pass of ``anchor`` over the text; at most :data:`MAX_ANCHORS` anchors are tried (a marker
    followed by hundreds of later mentions of its keyword is not the final answer).
    """
    found: dict[int, re.Match[str]] = {}
    for position in reversed([m.start() for m in anchor.finditer(text)][-MAX_ANCHORS:]):
        for match in full.finditer(text, max(0, position - back), min(len(text), position + ahead)):
            if match.start() <= position < match.end() and match.start() not in found:
                found[match.start()] = match
        if len(found) >= limit:
            break
    return [found[k] for k in sorted(found)][-limit:]


def _anchor(*words: str) -> re.Pattern[str]:
    """A case-sensitive alternation of each word in lower, Title and UPPER case."""
    variants = {v for w in words for v in (w, w[:1].upper() + w[1:], w.upper())}
    return re.compile("|".join(sorted((re.escape(v) for v in variants), key=len, reverse=True)))


# -- \boxed{} ------------------------------------------------------------------------------
_BOX = re.compile(r"\\(?:boxed|fbox|framebox)\s*(\{)?")


def boxed(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """The contents of the last ``\\boxed{}``/``\\fbox{}`` (nested braces; an unclosed last box is recovered)."""
    starts = [m for m in _BOX.finditer(text)][-MAX_BOXES:]
    found: list[Extraction] = []
    for index, match in enumerate(starts):
        if match.group(1) is None:
            bare = re.match(r"\s*([^\s${}\\]{1,40})", text[match.end() : match.end() + 60])
            if bare:
                start = match.end() + bare.start(1)
                found.append(Extraction(bare.group(1), start, start + len(bare.group(1)), "boxed"))
            continue
        begin = match.end()
        end = _match_brace(text, begin)
        if end is None:
            if index != len(starts) - 1:
                continue
            line_end = text.find("\n", begin, begin + MAX_SPAN + 1)
            stop = line_end if line_end != -1 else min(len(text), begin + MAX_SPAN + 1)
            content = text[begin:stop].rstrip().rstrip("$.").rstrip()
            if content.strip():
                found.append(Extraction(content, begin, begin + len(content), "boxed_unclosed"))
            continue
        content = text[begin:end]
        if content.strip():
            found.append(Extraction(content, begin, end, "boxed"))
    return found


# Between boxes that together form one answer: separators, "and"/"và", "$", "x =", a unit word or two
# ("\\boxed{3} apples and \\boxed{5} pears"); never a digit, a sentence end or a blank line.
_CHAIN_GAP = re.compile(
    r"[\s$,;&]*(?:(?:and|và|\\text\s*\{\s*(?:and|và|,)\s*\}|\\quad|\\qquad|[A-Za-z]\w{0,3}\s*=|[^\W\d_]{1,12})[\s$,;&]*){0,5}",
    re.IGNORECASE,
)
# A gap that concludes ("…, so the answer is \\boxed{…}") starts a new answer: no chain across it.
_CHAIN_BREAK = re.compile(r"(?i:\b(?:so|thus|hence|therefore|answer|final|vậy|do\s+đó|đáp|suy\s+ra|nên)\b)")


def box_chain(text: str, boxes: Sequence[Extraction], final: Extraction) -> Extraction | None:
    """The boxes that end with ``final`` and are joined only by separators, as one ", "-joined span.

    ``\\boxed{2}, \\boxed{4}, \\boxed{6}`` → ``2, 4, 6``; ``\\boxed{m = 12} and \\boxed{n = 5}`` →
    ``m = 12, n = 5``. ``None`` when ``final`` stands alone.
    """
    ordered = sorted((b for b in boxes if b.end <= final.end), key=lambda b: b.start)
    if not ordered or ordered[-1] != final:
        return None
    chain = [final]
    for previous in reversed(ordered[:-1]):
        head = chain[0]
        command = max(text.rfind("\\boxed", previous.end, head.start), text.rfind("\\fbox", previous.end, head.start))
        if command == -1:
            break
        gap = text[previous.end + 1 : command]
        if len(gap) > 60 or "\n\n" in gap or _CHAIN_BREAK.search(gap) or not _CHAIN_GAP.fullmatch(gap):
            break
        chain.insert(0, previous)
    if len(chain) == 1:
        return None
    joined = ", ".join(b.text.strip() for b in chain)
    return Extraction(joined, chain[0].start, final.end, "boxed_chain")


def _match_brace(text: str, begin: int) -> int | None:
    """Index of the ``}`` closing the brace opened just before ``begin`` (``\\{``/``\\}`` are text)."""
    depth = 1
    i = begin
    limit = min(len(text), begin + 4 * MAX_SPAN)
    while i < limit:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# -- <answer> tags ------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _tag_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    name = re.escape(name)
    return re.compile(rf"<{name}\s*>", re.IGNORECASE), re.compile(rf"</{name}\s*>", re.IGNORECASE)


def tags(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """The contents of ``<answer>…</answer>`` (the tag name comes from the recipe); an unclosed last tag runs to the end."""
    if "<" not in text:
        return []
    open_tag, close_tag = _tag_patterns(context.answer_tag)
    opens = [m.end() for m in open_tag.finditer(text)]
    closes = [m.start() for m in close_tag.finditer(text)]
    found: list[Extraction] = []
    j = 0
    for k, start in enumerate(opens):
        while j < len(closes) and closes[j] < start:
            j += 1
        next_open = opens[k + 1] if k + 1 < len(opens) else None
        if j < len(closes) and (next_open is None or closes[j] < next_open):
            end = closes[j]
            rule = "tags"
        elif next_open is None:
            end = len(text)
            rule = "tags_unclosed"
        else:
            continue
        content = text[start:end]
        if content.strip():
            stripped = content.strip()
            offset = start + content.index(stripped)
            found.append(Extraction(stripped[: MAX_SPAN + 1], offset, offset + len(stripped), rule))
    return found


# -- answer phrases ----------------------------------------------------------------------------
_PHRASE_EN = (
    r"\b(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:\*\*)?\s*(?:is\b|would\s+be|will\s+be|should\s+be|=|[:：])\s*(?:\*\*)?\s*[:：]?"
    r"|\bfinal\s+answer\b\s*(?:\*\*)?\s*[:：]?"
)
_PHRASE_VI = (
    r"(?:đáp\s*án|đáp\s*số|kết\s*quả|câu\s*trả\s*lời|trả\s*lời|dap\s*an|dap\s*so|ket\s*qua|(?:cau\s+)?tra\s+loi)"
    r"(?:\s+(?:cuối\s+cùng|đúng|chính\s+xác|của\s+bài\s+toán|của\s+bài|bài\s+toán|cần\s+tìm))*"
    r"\s*(?:\*\*)?\s*(?:là|bằng|la|bang|[:：=])\s*(?:\*\*)?\s*[:：]?"
)
_PHRASE = re.compile(rf"(?P<en>{_PHRASE_EN})|(?<![^\W\d_])(?P<vi>{_PHRASE_VI})", re.IGNORECASE)
_PHRASE_ANCHOR = _anchor("answer", "đáp", "kết", "trả", "dap", "ket qua", "tra loi")
# A sentence ends at a dot followed by whitespace or the end ("5. \\boxed{}", "5. Done"), never at a dot
# followed by a digit ("2.5", "1.500.000"), nor after an abbreviation ("approx. 5", "e.g. 5").
_SENTENCE_END = re.compile(r"(?<!approx)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)\.(?=\s|$)|[!?。](?=\s|$)")
_TAG = re.compile(r"</?[A-Za-z][\w-]{0,30}\s*>")
_BLANK_LINE = re.compile(r"^\s*(?:\$\$|\\\[|\\\]|\$)?\s*$")


def phrase(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """The text after "The answer is", "Final answer", "Answer:", "Đáp án", "Đáp số", "Kết quả", "Câu trả lời là", "Trả lời"."""
    found: list[Extraction] = []
    for match in last_matches(text, _PHRASE_ANCHOR, _PHRASE, MAX_BOXES):
        span = span_after(text, match.end())
        if span is not None:
            language = "en" if match.group("en") else "vi"
            found.append(Extraction(span[0], span[1], span[2], f"phrase_{language}"))
    return found


def span_after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The answer after a marker: the rest of the sentence, or the next non-blank line if the line is empty."""
    for _ in range(4):
        line_end = text.find("\n", pos, pos + 4 * MAX_SPAN)
        if line_end == -1:
            line_end = min(len(text), pos + 4 * MAX_SPAN)
        line = text[pos:line_end]
        if not _BLANK_LINE.match(line):
            break
        if line_end >= len(text):
            return None
        pos = line_end + 1
    else:
        return None
    tag = _TAG.search(line)
    if tag is not None:
        line = line[: tag.start()]  # "<answer>The answer is 8</answer>"
    stop = _SENTENCE_END.search(line)
    if stop is not None:
        line = line[: stop.start()]
    # A marker inside a wrapper: "\\textbf{Answer: 12}" (the wrapper's brace ends the answer) or
    # "\\textbf{Final Answer:} 12" (the brace closes the marker's wrapper; the answer follows it).
    lead = len(line) - len(line.lstrip(" \t}$*"))
    if "}" in line[:lead]:
        pos, line = pos + lead, line[lead:]
    line = line[: _unmatched_close(line)]
    stripped = line.strip()
    if not stripped or not EMPTY_BOX.sub("", stripped).strip(" $.\\()[]"):
        return None  # nothing, or only an empty box: never an answer
    start = pos + line.index(stripped)
    return stripped[: MAX_SPAN + 1], start, start + len(stripped)


def _unmatched_close(line: str) -> int:
    """Index of the first ``}`` that closes nothing opened in ``line`` (``len(line)`` if none)."""
    depth = 0
    for k, ch in enumerate(line):
        if ch == "{" and line[k - 1 : k] != "\\":
            depth += 1
        elif ch == "}" and line[k - 1 : k] != "\\":
            if depth == 0:
                return k
            depth -= 1
    return len(line)


# -- GSM8K #### ---------------------------------------------------------------------------------
_GSM = re.compile(r"####[ \t]*([^\n]{1,2001})")


def gsm8k(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """The rest of the line after GSM8K's ``####``."""
    return [Extraction(m.group(1).strip(), m.start(1), m.end(1), "gsm8k") for m in _GSM.finditer(text) if m.group(1).strip()][
        -MAX_BOXES:
    ]


# -- multiple choice -------------------------------------------------------------------------------
_CHOICE = re.compile(
    r"(?i:\b(?:chọn(?:\s+(?:đáp\s*án|phương\s*án|câu|ý))?|phương\s*án(?:\s+đúng)?(?:\s+là)?|đáp\s*án(?:\s+đúng)?(?:\s+là)?"
    r"|(?:the\s+)?(?:correct\s+|right\s+|best\s+)?(?:option|choice|answer)(?:\s+choice)?(?:\s+is)?|choose|select))"
    r"\s*[:：]?\s*(?:\*\*)?\s*[(\[]?([A-J])[)\]]?(?![\w])"
)


_CHOICE_ANCHOR = _anchor("chọn", "phương", "đáp", "option", "choice", "answer", "choose", "select")


def choice(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """Multiple-choice letters: "Chọn B", "Phương án C", "Đáp án đúng là D", "The correct option is (B)"."""
    return [
        Extraction(m.group(1), m.start(1), m.end(1), "choice") for m in last_matches(text, _CHOICE_ANCHOR, _CHOICE, MAX_BOXES)
    ]


# -- conclusions: "Vậy … là X", "Therefore … is X" ---------------------------------------------------------
_CONCLUSION = re.compile(
    r"(?i:\b(?:vậy|do\s+đó|như\s+vậy|vì\s+vậy|suy\s+ra|kết\s+luận|cho\s+nên|tóm\s+lại|therefore|thus|hence|so|in\s+total|altogether)\b)"
)
_CONCLUSION_ANCHOR = _anchor(
    "vậy", "do đó", "suy ra", "kết luận", "cho nên", "tóm lại", "therefore", "thus", "hence", "so", "in total", "altogether"
)
_ANSWER_NOUN = re.compile(
    r"(?i:(?:our|the|my|its|this)\s+(?:final\s+|required\s+|desired\s+)?(?:answer|solution|result)(?:\s+set)?"
    r"|(?:đáp\s*án|kết\s*quả|nghiệm)(?:\s+(?:cần\s+tìm|của\s+bài(?:\s+toán)?))?)"
)
_COPULA = re.compile(r"(?i:\b(?:là|bằng|is|are|equals|was|were|will\s+be|would\s+be)\b)\s*[:：]?")


def conclusion(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """A fallback: the value after "là/bằng/is" in the last "Vậy …", "Do đó …", "Therefore …" sentence."""
    matches = last_matches(text, _CONCLUSION_ANCHOR, _CONCLUSION, 1, back=10, ahead=40)
    if not matches:
        return []
    last = matches[-1]
    span = span_after(text, last.end())
    if span is None:
        return []
    sentence, start, _ = span
    copulas = list(_COPULA.finditer(sentence))
    if copulas:
        cut = copulas[-1].end()
        value = sentence[cut:].strip()
        before = sentence[: copulas[-1].start()].strip(" ,:")
        if _ANSWER_NOUN.fullmatch(value.rstrip(" .!")) and before:  # "Hence $y \ge 3$ is our answer."
            offset = start + sentence.index(before)
            return [Extraction(before, offset, offset + len(before), "conclusion")]
        if value:
            offset = start + sentence.index(value, cut)
            return [Extraction(value, offset, offset + len(value), "conclusion")]
    return [Extraction(sentence.lstrip(" ,:"), start, start + len(sentence), "conclusion")]


# -- the last number --------------------------------------------------------------------------------
NUMBER_TOKEN = re.compile(
    r"(?<![\w.\\])(?:\d{1,30}(?:[.,]\d{1,30})?\s?(?:\\cdot|\\times|[×·*.])\s?10\s?(?:\^\s?(?:\{\s?-?\d{1,4}\s?\}|-?\d{1,4})|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})"
    r"|(?<![\d,])\.\d{1,30}(?![\d.,])"
    r"|\d{1,30}(?:\.\d{1,30})?[eE][+-]?\d{1,4}(?![\w])"
    r"|\\frac\{-?\d{1,30}\}\{\d{1,30}\}"
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3}(?!\d))+(?:(?:[.,]|\{,\})\d+)?"
    r"|\d+(?:(?:[.,]|\{,\})\d+)*(?:\s?/\s?\d+(?!\d|\.\d))?)"
    r"(?:\s?\\?%|(?i:\s+(?:phần\s+trăm|percentage|percent|nghìn|ngàn|triệu|tỷ|tỉ|thousand|million|billion)"
    r"|[ \t]?(?:tr|k)(?:\d{1,3})?)"
    r"(?![^\W\d_]))?"
)
_STEP_NUMBER = re.compile(
    r"(?i:\b(?:step|bước|câu|bài|phần|cách|lần|ví\s+dụ|example|case|trường\s+hợp|part|question|problem|ý|giai\s+đoạn|stage|phase))"
    r"[ \t]*#?[ \t]*(?=\d)"
    r"|^[ \t#>*\-]*\(?(?=\d{1,3}[.):][ \t]+\S)",
    re.MULTILINE,
)
_COMPOUND_HEAD = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{1,3})?[ \t]?(?i:tỷ|tỉ|triệu|tr|billion|million)[ \t]+$")
_NEGATED = re.compile(r"(?i:\b(?:not|isn't|never|không\s+phải(?:\s+là)?|chưa\s+phải(?:\s+là)?))\s*$")
TAIL = 100_000  # the fallback reads the last sentences, so it never needs more than this much text


def last_number(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """A fallback: the last number of the last sentence that has one; step numbers ("Step 2", "Bước 3", "1.") never count."""
    start = max(0, len(text) - TAIL)
    steps = {m.end() for m in _STEP_NUMBER.finditer(text, start)}
    for match in reversed(list(NUMBER_TOKEN.finditer(text, start))):
        if match.start() in steps or match.end() - match.start() > 400:
            continue
        begin = match.start()
        if match.group().rstrip()[-1:].isalpha():  # "2 triệu 500 nghìn": the larger scale before it belongs to it
            head = _COMPOUND_HEAD.search(text, max(0, begin - 40), begin)
            begin = head.start() if head is not None else begin
        if _is_unary_minus(text, begin):
            begin -= 1
        if _NEGATED.search(text, max(0, begin - 20), begin):
            continue  # "không phải là 5", "not 5"
        found = [Extraction(text[begin : match.end()], begin, match.end(), "last_number")]
        group = _enclosing_group(text, begin, match.end())
        if group is not None:
            found.append(group)  # tried first: "$3 \\cdot 10^8$", "(1,5; 2)", "$4a$"
        return found
    return []


_FINAL_MATH = re.compile(r"(?:\$\$?|\\\(|\\\[)([^$]{1,300}?)(?:\$\$?|\\\)|\\\])[\s.!]*\Z")


def last_math(text: str, context: ExtractContext) -> Sequence[Extraction]:
    """A fallback: the inline math that ends the completion ("… so we get $\\frac25$", "$\\sqrt5$.")."""
    match = _FINAL_MATH.search(text, max(0, len(text) - 400))
    if match is None or not re.search(r"[\d\\]", match.group(1)):
        return []  # "… the value of $x$." names a variable; it states no answer
    return [Extraction(match.group(1).strip(), match.start(1), match.end(1), "last_math")]


def _enclosing_group(text: str, begin: int, end: int) -> Extraction | None:
    """The inline math span (``$…$``, ``\\(…\\)``) or bracket group on the same line around a number."""
    line_start = text.rfind("\n", max(0, begin - 300), begin) + 1
    line_end = text.find("\n", end, end + 300)
    line_end = line_end if line_end != -1 else min(len(text), end + 300)
    before, after = text[line_start:begin], text[end:line_end]
    if before.count("$") % 2 == 1 and "$" in after:
        start, stop = line_start + before.rfind("$") + 1, end + after.find("$")
        return Extraction(text[start:stop], start, stop, "last_math")
    left, right = before.rfind("\\("), after.find("\\)")
    if left != -1 and right != -1 and "\\)" not in before[left:]:
        start, stop = line_start + left + 2, end + right
        return Extraction(text[start:stop], start, stop, "last_math")
    left = max(before.rfind("("), before.rfind("["), before.rfind("{"))
    if left != -1 and not re.search(r"[)\]}]", before[left:]):
        closing = re.search(r"[)\]}]", after)
        if closing is not None and not re.search(r"[(\[{]", after[: closing.start()]):
            start, stop = line_start + left - (left > 0 and before[left - 1] == "\\"), end + closing.end()
            group = text[start:stop]
            if re.search(r"[,;]", group):
                return Extraction(group, start, stop, "last_group")
    return None


def _is_unary_minus(text: str, begin: int) -> bool:
    """ "to -4", "= -4", "(-4": a sign. "10 - 4", "x-4": a subtraction."""
    if begin == 0 or text[begin - 1] != "-":
        return False
    k = begin - 2
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0:
        return True
    if text[k].isdigit() or text[k] in ")}]":
        return False
    if text[k].isalpha():
        return k < begin - 2 and k > 0 and text[k - 1].isalpha()  # "to -4": a word, a space, then the sign
    return True


def refine(extraction: Extraction, context: ExtractContext) -> Extraction:
    """A box inside a chosen span (or an answer phrase inside a tag, ``####`` line or gold) is the precise answer.

    ``<answer>The answer is \\boxed{8}</answer>`` → ``8``; offsets stay relative to the original text.
    """
    inner = boxed(extraction.text, context)
    if inner:
        box = inner[-1]
        return Extraction(box.text, extraction.start + box.start, extraction.start + box.end, f"{extraction.rule}+boxed")
    if not extraction.rule.startswith(("phrase", "choice", "conclusion", "last_")):
        phrases = phrase(extraction.text, context)
        if phrases:
            p = phrases[-1]
            return Extraction(p.text, extraction.start + p.start, extraction.start + p.end, f"{extraction.rule}+{p.rule}")
    return extraction


BUILTIN_EXTRACTORS = {
    "boxed": boxed,
    "tags": tags,
    "phrase": phrase,
    "gsm8k": gsm8k,
    "choice": choice,
    "conclusion": conclusion,
    "last_math": last_math,
    "last_number": last_number,
}
#: Fallback extractors: their span is used only if it reads as a value; otherwise the next one is tried.
FALLBACKS = frozenset({"conclusion", "last_math", "last_number"})
#: ``extract: auto``: among these markers the answer written last wins; then the fallbacks in order.
AUTO_MARKERS = ("boxed", "tags", "phrase", "gsm8k", "choice")
AUTO_FALLBACKS = ("conclusion", "last_math", "last_number")
