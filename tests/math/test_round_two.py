"""Issue 16: notations the judge misread in round one, one group per kind, true and false cases.

Each case is (completion, gold, locale, expected). The completions are written the way models and
datasets write them (MATH's ``48{,}300``, NuminaMath's several boxes, Vietnamese school notation).
"""

from __future__ import annotations

import pytest

from rewardkit_math.judge import Judge, JudgeConfig

_JUDGES: dict[str, Judge] = {}


def judge(completion: str, gold: str, locale: str = "auto") -> bool:
    if locale not in _JUDGES:
        _JUDGES[locale] = Judge(JudgeConfig(locale=locale))  # type: ignore[arg-type]
    return _JUDGES[locale].judge(completion, gold).correct


CASES: dict[str, list[tuple[str, str, str, bool]]] = {
    "thousands_latex": [
        ("The total is $48{,}300$ dollars, so the answer is $\\boxed{48{,}300}$.", "48300", "auto", True),
        ("Adding them up gives \\boxed{48,\\!300}.", "48300", "auto", True),
        ("So the population is $\\boxed{48,\\! 300}$.", "48300", "auto", True),
        ("She pays $\\boxed{\\$2,\\!450.75}$ in total.", "2450.75", "auto", True),
        ("Therefore the sum is $\\boxed{27 {,} 405}$.", "27405", "auto", True),
        ("The number of ways is $\\boxed{1{,}000{,}000}$.", "1000000", "auto", True),
        ("The answer is $12{,}345$.", "12345", "en", True),
        ("Final answer: $\\$1{,}200$", "1200", "auto", True),
        ("\\boxed{48,\\!300}", "48,300", "auto", True),
        ("\\boxed{48,\\!300}", "\\$48{,}300", "auto", True),
        # wrong values in the same notation
        ("Adding them up gives \\boxed{48,\\!310}.", "48300", "auto", False),
        ("So the answer is $\\boxed{27 {,} 450}$.", "27405", "auto", False),
        ("\\boxed{4{,}830}", "48300", "auto", False),
        ("She pays $\\boxed{\\$2,\\!450.57}$ in total.", "2450.75", "auto", False),
    ],
    "multi_box": [
        ("The even roots are $\\boxed{2}, \\boxed{4}, \\boxed{6}$.", "2, 4, 6", "auto", True),
        ("The solutions are \\boxed{2}, \\boxed{4}, and \\boxed{6}.", "\\{2, 4, 6\\}", "auto", True),
        ("Hence $\\boxed{m = 12}$ and $\\boxed{n = 5}$.", "m = 12, n = 5", "auto", True),
        ("So $\\boxed{(1, 2)}$ and $\\boxed{(3, 4)}$ are the pairs.", "(1, 2), (3, 4)", "auto", True),
        ("The answers are \\boxed{3} and \\boxed{5}.", "\\boxed{3}\\boxed{5}", "auto", True),
        ("He buys \\boxed{3} apples and \\boxed{5} pears.", "\\boxed{3} apples and \\boxed{5} pears", "auto", True),
        ("Vậy $x = \\boxed{1}$ và $x = \\boxed{-3}$.", "1, -3", "vi", True),
        ("The roots are $\\boxed{-1}$ and $\\boxed{4}$.", "x = -1 \\text{ or } x = 4", "auto", True),
        # wrong, and hedging against a single gold
        ("The even roots are $\\boxed{2}, \\boxed{4}, \\boxed{8}$.", "2, 4, 6", "auto", False),
        ("Hence $\\boxed{m = 12}$ and $\\boxed{n = 6}$.", "m = 12, n = 5", "auto", False),
        ("The answers are \\boxed{3} and \\boxed{6}.", "\\boxed{3}\\boxed{5}", "auto", False),
        ("The answer is 5 or 6.", "5", "auto", False),
        ("It is either \\boxed{5} or \\boxed{6}.", "5", "auto", False),
        ("Maybe \\boxed{5}, \\boxed{6}.", "6", "auto", False),
        ("The answer is \\boxed{2}, \\boxed{4}.", "2, 4, 6", "auto", False),
    ],
    "matrix": [
        (
            "The product is $\\boxed{\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}}$.",
            "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
            "auto",
            True,
        ),
        (
            "So $\\mathbf{v} = \\boxed{\\begin{pmatrix} -1 \\\\ 3 \\end{pmatrix}}$.",
            "\\begin{pmatrix} -1 \\\\ 3 \\end{pmatrix}",
            "auto",
            True,
        ),
        (
            "\\boxed{\\begin{bmatrix} \\frac{1}{2} & 0 \\\\ 0 & 2 \\end{bmatrix}}",
            "\\begin{pmatrix} 1/2 & 0 \\\\ 0 & 2 \\end{pmatrix}",
            "auto",
            True,
        ),
        (
            "The inverse is \\boxed{\\left(\\begin{array}{cc} 2 & -1 \\\\ -1 & 1 \\end{array}\\right)}",
            "\\begin{pmatrix} 2 & -1 \\\\ -1 & 1 \\end{pmatrix}",
            "auto",
            True,
        ),
        (
            "The answer is $\\begin{pmatrix} 0.5 \\\\ 2 \\end{pmatrix}$",
            "\\begin{pmatrix} \\frac12 \\\\ 2 \\end{pmatrix}",
            "auto",
            True,
        ),
        (
            "Ma trận cần tìm là $\\boxed{\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}}$.",
            "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}",
            "vi",
            True,
        ),
        # wrong entries, transposed, wrong shape
        (
            "The product is $\\boxed{\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}}$.",
            "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
            "auto",
            False,
        ),
        (
            "So $\\mathbf{v} = \\boxed{\\begin{pmatrix} -1 & 3 \\end{pmatrix}}$.",
            "\\begin{pmatrix} -1 \\\\ 3 \\end{pmatrix}",
            "auto",
            False,
        ),
        (
            "\\boxed{\\begin{pmatrix} 1 \\\\ 3 \\end{pmatrix}}",
            "\\begin{pmatrix} -1 \\\\ 3 \\end{pmatrix}",
            "auto",
            False,
        ),
        ("\\boxed{(-1, 3)}", "\\begin{pmatrix} -1 \\\\ 3 \\\\ 0 \\end{pmatrix}", "auto", False),
    ],
    "inequality": [
        ("Dividing by $-2$ flips the sign: $\\boxed{-2y \\ge -6}$.", "y \\le 3", "auto", True),
        ("So $\\boxed{y \\le 3}$.", "-2y \\ge -6", "auto", True),
        ("So $\\boxed{3 \\ge y}$.", "y \\le 3", "auto", True),
        ("\\boxed{2 \\le |w| \\le \\frac52}", "2 \\le |w| \\le 2.5", "auto", True),
        ("The range is $\\boxed{-1 < g(t) < 3}$.", "-1 < g(t) < 3", "auto", True),
        ("The answer is $\\boxed{(2,7.5)}$.", "(2, 7.5)", "auto", True),
        ("\\boxed{(1,5) \\cup (5,40)}", "(1, 5) \\cup (5, 40)", "auto", True),
        ("The solution set is $\\boxed{\\{-2\\} \\cup [1,4)}$.", "\\{-2\\} \\cup [1, 4)", "auto", True),
        ("Squaring both sides we get $y^2 \\ge 9$. Hence $y \\ge 3$ is our answer.", "[3, \\infty)", "auto", True),
        ("Vậy tập nghiệm là $x > 2$.", "(2; +\\infty)", "vi", True),
        # wrong direction, wrong middle term, wrong bracket
        ("Dividing by $-2$: $\\boxed{y \\ge 3}$.", "y \\le 3", "auto", False),
        ("\\boxed{2 \\le w \\le \\frac52}", "2 \\le |w| \\le \\frac52", "auto", False),
        ("The range is $\\boxed{-1 < g(t) \\le 3}$.", "-1 < g(t) < 3", "auto", False),
        ("\\boxed{(1,5) \\cup (5,41)}", "(1, 5) \\cup (5, 40)", "auto", False),
        ("The solution set is $\\boxed{\\{-2\\} \\cup (1,4)}$.", "\\{-2\\} \\cup [1, 4)", "auto", False),
        ("Hence $y \\ge 4$ is our answer.", "[3, \\infty)", "auto", False),
    ],
    "named_equality": [
        ("So the two lengths are $\\boxed{6, 9}$.", "PQ = 6, RS = 9", "auto", True),
        ("Thus $PQ = 6$ and $RS = 9$, so the answer is $\\boxed{PQ = 6, RS = 9}$.", "PQ = 6, RS = 9", "auto", True),
        ("Therefore $\\boxed{2}$.", "g(x) = 2", "auto", True),
        ("So $\\boxed{g(x) = 2}$.", "2", "auto", True),
        ("The distance is $\\boxed{3}$.", "|PQ| = 3", "auto", True),
        ("The ratio is $\\boxed{3 : 7}$.", "V_1 : V_2 = 3 : 7", "auto", True),
        ("The ratio is $\\boxed{\\frac{3}{7}}$.", "V_1 : V_2 = 3 : 7", "auto", True),
        ("Vậy tỉ số là $\\boxed{5 : 9}$.", "S_{ABCD} : S = 5 : 9", "vi", True),
        ("Hence $\\frac{AM}{MB} = \\boxed{\\frac{2}{3}}$.", "\\frac{AM}{MB} = \\frac{2}{3}", "auto", True),
        ("So $b = 9 - 4a$ and the answer is $\\boxed{9}$.", "9 = 4a + b", "auto", True),
        # wrong values, and an equation's left side is not its answer
        ("So the two lengths are $\\boxed{9, 6}$.", "PQ = 6, RS = 9", "auto", False),
        ("So the two lengths are $\\boxed{6, 8}$.", "PQ = 6, RS = 9", "auto", False),
        ("Therefore $\\boxed{3}$.", "g(x) = 2", "auto", False),
        ("The ratio is $\\boxed{7 : 3}$.", "V_1 : V_2 = 3 : 7", "auto", False),
        ("The value is $\\boxed{4a + b}$.", "9 = 4a + b", "auto", False),
        ("The distance is $\\boxed{6}$.", "|PQ| = 3", "auto", False),
    ],
    "assignment_order": [
        ("The solution is $\\boxed{(-3, \\frac{7}{2})}$.", "x = -3, q = \\frac{7}{2}", "auto", True),
        ("So $\\boxed{x = -3, q = \\frac{7}{2}}$.", "(-3, \\frac{7}{2})", "auto", True),
        ("The pairs are $\\boxed{(3,1),(5,1)}$.", "a=3,b=1; a=5,b=1", "auto", True),
        ("\\boxed{a = 3, b = 1}", "(3, 1)", "auto", True),
        ("\\boxed{b = 1, a = 3}", "a = 3, b = 1", "auto", True),
        ("Vậy $\\boxed{m = 2, n = -1}$.", "(2; -1)", "vi", True),
        # swapped order is a different answer
        ("The solution is $\\boxed{(\\frac{7}{2}, -3)}$.", "x = -3, q = \\frac{7}{2}", "auto", False),
        ("So $\\boxed{q = -3, x = \\frac{7}{2}}$.", "x = -3, q = \\frac{7}{2}", "auto", False),
        ("The pairs are $\\boxed{(1,3),(1,5)}$.", "a=3,b=1; a=5,b=1", "auto", False),
        ("\\boxed{(1, 3)}", "a = 3, b = 1", "auto", False),
    ],
    "notation": [
        ("In base 4 the number is $\\boxed{312_4}$.", "312_4", "auto", True),
        ("In base 4 the number is $\\boxed{312}$.", "312_4", "auto", True),
        ("In base 4 the number is $\\boxed{313_4}$.", "312_4", "auto", False),
        ("The meeting starts at \\boxed{9:30}.", "9:30", "auto", True),
        ("The meeting starts at \\boxed{9:45}.", "9:30", "auto", False),
        ("The discount is 45 percentage.", "45", "auto", True),
        ("Final answer: 45 percentage", "45\\%", "auto", True),
        ("We simplify and get $\\frac25$", "\\frac{2}{5}", "auto", True),
        ("We simplify and get $\\frac35$", "\\frac{2}{5}", "auto", False),
        ("The side length is therefore $\\sqrt5$", "\\sqrt{5}", "auto", True),
        ("The probability is .7", "0.7", "auto", True),
        ("The probability is .6", "0.7", "auto", False),
        ("\\textbf{Answer: 12}", "12", "auto", True),
        ("\\textbf{Answer: 13}", "12", "auto", False),
        ("Plugging in, we find g(2) = 7.", "7", "auto", True),
        ("Plugging in, we find g(2) = 8.", "7", "auto", False),
        ("The number of molecules is 6 × 10²³.", "6 \\times 10^{23}", "auto", True),
        ("The number of molecules is 6 × 10²².", "6 \\times 10^{23}", "auto", False),
        ("So the angle is $\\boxed{45^o}$.", "45", "auto", True),
        ("So the angle is $\\boxed{45^\\circ}$.", "45^\\circ", "auto", True),
        ("So the angle is $\\boxed{35^o}$.", "45", "auto", False),
        ("The sum is $\\sum_{k=1}^{10} k = \\boxed{55}$.", "55", "auto", True),
        ("Hence $a_{10} = \\boxed{512}$.", "a_{10} = 512", "auto", True),
        ("Hence $S_n = \\boxed{n^2}$.", "S_n = n^2", "auto", True),
    ],
    "choice": [
        ("The answer is B.", "B Marie", "auto", True),
        ("\\boxed{B}", "B. Marie", "auto", True),
        ("The answer is C, since A and D fail the test.", "C", "auto", True),
        ("Looking at all the options, so I think it's D.", "D", "auto", True),
        ("The correct option is <b>A</b>.", "A", "auto", True),
        ("**(C)**", "C", "auto", True),
        ("Đáp án: C vì A và D đều sai.", "C", "vi", True),
        ("The answer is C, since A and D fail the test.", "A", "auto", False),
        ("Looking at all the options, so I think it's D.", "B", "auto", False),
        ("The answer is B or C.", "B", "auto", False),
        ("**(C)**", "D", "auto", False),
        ("The answer is A.", "B Marie", "auto", False),
    ],
    "text_answer": [
        ("<think>The capital of Portugal is Lisbon.</think>Lisbon", "Lisbon", "auto", True),
        ("<think>Shakespeare wrote it.</think>Hamlet by Shakespeare", "Hamlet", "auto", True),
        ("<think>...</think>Hà Nội", "Hà Nội", "vi", True),
        ("<think>The capital of Portugal is Lisbon.</think>Porto", "Lisbon", "auto", False),
        ("<think>Shakespeare wrote it.</think>Macbeth by Shakespeare", "Hamlet", "auto", False),
        ("The answer is \\boxed{Monday}.", "monday", "auto", True),
        ("The answer is \\boxed{abc}.", "cab", "auto", False),
        ("\\boxed{Friday}", "Monday", "auto", False),
    ],
    "approx": [
        ("The ratio is $\\frac{2}{3} \\approx 0.67$.", "\\frac{2}{3}", "auto", True),
        ("\\boxed{\\frac{7.5}{3.14159} \\approx 2.39}", "\\frac{7.5}{3.14159}", "auto", True),
        ("The answer is $\\sqrt{2} \\approx 1.41$.", "\\sqrt{2}", "auto", True),
        ("The answer is $\\frac{1}{3} \\approx 0.33$.", "\\frac{1}{3}", "auto", True),
        ("The ratio is $\\approx 0.67$.", "\\frac{2}{3}", "auto", False),
        ("The ratio is $\\frac{3}{4} \\approx 0.67$.", "\\frac{2}{3}", "auto", False),
        ("The answer is about 0.6667.", "\\frac{2}{3}", "auto", True),
        ("\\boxed{\\approx 2.39}", "\\frac{7.5}{3.14159}", "auto", False),
    ],
    "vietnamese": [
        ("Tỉ lệ là $3/4 = 0,75$.", "0.75", "vi", True),
        ("Ta có 3/4 = 0,75", "\\frac{3}{4}", "auto", True),
        ("Ta có 3/4 = 0,7", "0.75", "vi", False),
        ("Lực điện là $F = \\boxed{4.10^{-5}}$ N.", "4 \\times 10^{-5}", "vi", True),
        ("Đáp án: $4.10^{-5}$ N", "0.00004", "vi", True),
        ("Đáp án: $5.10^{-5}$ N", "4 \\times 10^{-5}", "vi", False),
        ("Số cách chọn là $C_5^2 = 10$. Đáp án: $C_5^2$", "10", "vi", True),
        ("Số cách xếp là $\\boxed{A_5^2}$.", "20", "vi", True),
        ("Số cách chọn là $\\boxed{C_{10}^{3}}$.", "120", "vi", True),
        ("Số cách chọn là $\\boxed{C_{10}^{3}}$.", "720", "vi", False),
        ("Dap an: 12", "12", "vi", True),
        ("Ket qua: 15 qua tao", "15", "vi", True),
        ("Dap so: 13", "12", "vi", False),
        ("Đáp án: 12 (hoặc 15 nếu tính cả hai bạn).", "12", "vi", False),
        ("Đáp án: 12 (hoặc 15 nếu tính cả hai bạn).", "15", "vi", False),
        ("Đáp số: 12 (quả táo).", "12", "vi", True),
    ],
    "locale_strict": [
        ("The answer is 2,468.", "2.468", "en", False),
        ("The answer is 2,468.", "2468", "en", True),
        ("\\boxed{2,468}", "2.468", "en", False),
        ("Đáp án: 2,468", "2,468", "vi", True),
        ("Đáp án: 2.468", "2468", "vi", True),
        ("The answer is 1,500.", "1.5", "en", False),
    ],
}


# More variants of each kind, written after the first fixes (so not part of the "before" figures).
VARIANTS: dict[str, list[tuple[str, str, str, bool]]] = {
    "thousands_latex": [
        ("\\boxed{48,\\!300}", "48.3", "vi", False),
        ("\\boxed{48,\\!300}", "48300", "vi", True),
        ("The prize is $\\boxed{\\$1{,}234{,}567}$.", "1234567", "auto", True),
        ("We need $10,\\!000$ tiles. The answer is $10,\\!000$.", "10000", "auto", True),
        ("\\boxed{3,\\!100}", "3000", "auto", False),
        ("Vậy khối lượng là $\\boxed{1{,}5}$ kg.", "1.5", "vi", True),
    ],
    "multi_box": [
        ("The area is \\boxed{12} and the perimeter is \\boxed{14}.", "12, 14", "auto", True),
        ("The area is \\boxed{12} and the perimeter is \\boxed{15}.", "12, 14", "auto", False),
        ("So $x = \\boxed{2}$, $y = \\boxed{3}$, so the answer is $\\boxed{(2, 3)}$.", "(2, 3)", "auto", True),
        ("The roots are \\boxed{2} and \\boxed{3}, so the answer is \\boxed{2, 3}.", "2, 3", "auto", True),
        ("So $x = \\boxed{2}$ and $y = \\boxed{3}$.", "(3, 2)", "auto", False),
        ("So $\\boxed{x=2}$, $\\boxed{y=3}$.", "(2, 3)", "auto", True),
        ("Vậy hai nghiệm là $\\boxed{2}$ và $\\boxed{3}$.", "\\{2; 3\\}", "vi", True),
        ("Vậy $\\boxed{3}$ hoặc $\\boxed{4}$.", "3", "vi", False),
        ("First $\\boxed{3}$. Then the final answer is $\\boxed{5}$.", "3, 5", "auto", False),
    ],
    "matrix": [
        ("\\boxed{\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}}", "-2", "auto", False),
        ("\\boxed{\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}}", "(1, 2)", "auto", True),
        ("\\boxed{(1, 2)}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "auto", True),
        (
            "\\boxed{\\begin{pmatrix} 1 & 0 & 0 \\\\ 0 & 1 & 0 \\\\ 0 & 0 & 1 \\end{pmatrix}}",
            "\\begin{pmatrix} 1 & 0 & 0 \\\\ 0 & 1 & 0 \\\\ 0 & 0 & 1 \\end{pmatrix}",
            "auto",
            True,
        ),
        ("\\boxed{(2, 1)}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "auto", False),
    ],
    "inequality": [
        ("\\boxed{1 < 2x + 1 < 5}", "0 < x < 2", "auto", True),
        ("\\boxed{1 < 2x + 1 < 5}", "0 < x < 3", "auto", False),
        ("Therefore, $x < 2$ is the final answer.", "x < 2", "auto", True),
        ("Vậy $x \\ge 3$ là đáp án.", "[3; +\\infty)", "vi", True),
        ("Vậy $x \\ge 4$ là đáp án.", "[3; +\\infty)", "vi", False),
        ("\\boxed{2x > 6}", "x > 3", "auto", True),
        ("\\boxed{x^2 > 9}", "x > 3", "auto", False),
        ("\\boxed{2a < 2b}", "a < b", "auto", True),
        ("\\boxed{a < b}", "a > b", "auto", False),
        ("\\boxed{x \\geq -2}", "[-2, \\infty)", "auto", True),
        ("\\boxed{3x - 6 < 0}", "x < 2", "auto", True),
        ("\\boxed{-x > 4}", "x < -4", "auto", True),
        ("\\boxed{x > -4}", "-x > 4", "auto", False),
        ("\\boxed{(-\\infty,-1)\\cup(3,\\infty)}", "x < -1 \\text{ or } x > 3", "auto", True),
        ("\\boxed{[-2,3]}", "-2 \\le x \\le 3", "auto", True),
        ("\\boxed{[-2,3)}", "-2 \\le x \\le 3", "auto", False),
    ],
    "named_equality": [
        ("$\\boxed{5 = x}$", "5", "auto", True),
        ("The length is $\\boxed{5}$.", "AB = 5", "auto", True),
        ("So the value is $\\boxed{10}$.", "f(3) = 10", "auto", True),
        ("So $\\boxed{2x + 1}$.", "h(x) = 2x + 1", "auto", True),
        ("The ratio is $\\boxed{\\frac{2}{3}}$.", "AB : BC = 2 : 3", "auto", True),
        ("The ratio is $\\boxed{\\frac{3}{2}}$.", "AB : BC = 2 : 3", "auto", False),
        ("So $\\boxed{6}$.", "2x = 6", "auto", False),
    ],
    "assignment_order": [
        ("\\boxed{2, 3}", "x = 2, y = 3", "auto", True),
        ("\\boxed{3, 2}", "x = 2, y = 3", "auto", False),
        ("\\boxed{z = 3, y = 2, x = 1}", "(1, 2, 3)", "auto", True),
        ("\\boxed{q = 5, p = 2}", "(2, 5)", "auto", True),
        ("\\boxed{a = 2, c = 5}", "(2, 5)", "auto", True),
        ("\\boxed{c = 5, a = 2}", "(2, 5)", "auto", False),
    ],
    "notation": [
        ("\\textbf{Final Answer:} 12", "12", "auto", True),
        ("\\textbf{Answer:} 13", "12", "auto", False),
        ("Thus\n\\[ \\sqrt{5} \\]", "\\sqrt5", "auto", True),
        ("So we get\n$$\\frac{2}{5}$$", "\\frac{3}{5}", "auto", False),
        ("The answer is 10⁻³", "0.001", "auto", True),
        ("The area is 64 cm².", "64", "auto", True),
        ("\\boxed{11_2}", "3", "auto", False),
        ("The binary form is $\\boxed{1011_2}$.", "1011_2", "auto", True),
        ("The binary form is $\\boxed{1011_{2}}$.", "1101_2", "auto", False),
        ("The train leaves at \\boxed{12:45}.", "12:45", "auto", True),
        ("About 75 percentage of students passed.", "75\\%", "auto", True),
        ("Putting it together we obtain $\\dfrac{3}{8}$.", "\\frac{3}{8}", "auto", True),
        ("The chance is .25", "\\frac{1}{4}", "auto", True),
        ("**Answer: 12**", "12", "auto", True),
        ("Light travels 3 × 10⁸ m/s.", "3 \\times 10^8", "auto", True),
        ("The angle is $\\boxed{90^{o}}$.", "90", "auto", True),
    ],
    "choice": [
        ("The answer is C, not A.", "C", "auto", True),
        ("The answer is C, not A.", "A", "auto", False),
        ("Đáp án: B, không phải C", "B", "vi", True),
        ("The answer is A or C.", "A", "auto", False),
        ("I believe B is correct.", "B", "auto", True),
        ("A quick check shows C.", "C", "auto", True),
        ("A quick check shows C.", "A", "auto", False),
        ("The answer is (B) because A is too small.", "B", "auto", True),
        ("Answer: **D**", "D", "auto", True),
        ("The best choice is <strong>C</strong>.", "C", "auto", True),
        ("After checking each option, I'd go with B.", "B", "auto", True),
        ("After checking each option, I'd go with B.", "C", "auto", False),
    ],
    "text_answer": [
        ("The capital of Portugal is Lisbon.", "Lisbon", "auto", True),
        ("The capital of Portugal is not Lisbon.", "Lisbon", "auto", False),
        ("Thủ đô của Việt Nam là Hà Nội.", "Hà Nội", "vi", True),
        ("Thủ đô của Việt Nam là Huế.", "Hà Nội", "vi", False),
        ("<think>Capital of France.</think>Paris", "Paris", "auto", True),
        ("<think>A tragedy.</think>Romeo and Juliet", "Romeo and Juliet", "auto", True),
        ("<think>A tragedy.</think>Othello", "Romeo and Juliet", "auto", False),
    ],
    "approx": [
        ("So $x = \\frac{2}{3} \\approx 0.67$.", "0.67", "auto", True),
        ("So $\\frac{2}{3} \\approx 0.66$.", "0.67", "auto", False),
        ("So $x = \\frac{1}{7} \\approx 0.14$.", "\\frac{1}{7}", "auto", True),
        ("So $x = \\frac{1}{7} \\approx 0.14$.", "\\frac{1}{6}", "auto", False),
        ("The area is $\\approx 3.14$.", "\\pi", "auto", False),
    ],
    "vietnamese": [
        ("Đáp án: 12 (hay 15 nếu tính cả mẹ)", "12", "vi", False),
        ("Đáp số: 12 (quả cam hay quả táo đều được)", "12", "vi", True),
        ("Vậy có $A_{7}^{3}$ cách.", "210", "vi", True),
        ("Điện tích $q = 3.10^{-6}$ C", "2 \\times 10^{-6}", "vi", False),
        ("Dap an la 12", "12", "vi", True),
        ("Đáp án: 12 (hoặc 12 nếu làm tròn).", "12", "vi", True),
        ("The answer is 12 (or 15 if both count).", "15", "en", False),
        ("Xác suất là $2/5 = 0,4$.", "0.4", "vi", True),
        ("Số phân tử là $\\boxed{6.10^{23}}$.", "6 \\times 10^{23}", "vi", True),
        ("Số cách chọn là $\\boxed{C_{6}^{2}}$.", "15", "vi", True),
        ("Số cách xếp là $\\boxed{A_6^2}$.", "30", "vi", True),
        ("Dap so: 15 qua", "15", "vi", True),
        ("Đáp án: 8 (hay là 9 nếu tính cả mẹ).", "8", "vi", False),
        ("Đáp số: 12 (cm).", "12", "vi", True),
    ],
    "locale_strict": [
        ("The answer is 1,234", "1.234", "en", False),
        ("The answer is 1,234", "1234", "en", True),
    ],
}

PARAMS = [
    pytest.param(kind, completion, gold, locale, expected, id=f"{kind}-{k}")
    for kind, cases in CASES.items()
    for k, (completion, gold, locale, expected) in enumerate(cases)
] + [
    pytest.param(kind, completion, gold, locale, expected, id=f"{kind}-variant-{k}")
    for kind, cases in VARIANTS.items()
    for k, (completion, gold, locale, expected) in enumerate(cases)
]


@pytest.mark.parametrize(("kind", "completion", "gold", "locale", "expected"), PARAMS)
def test_round_two(kind: str, completion: str, gold: str, locale: str, expected: bool) -> None:
    assert judge(completion, gold, locale) is expected
