"""Word lists the Vietnamese checks classify ASCII words with (data only, lower case).

Vietnamese spelling decides most words by itself (:func:`rewardkit.text.vi.ascii_syllable_kind`);
these lists settle the words it cannot: English words, Vietnamese words whose unmarked form is
also a valid syllable (``la`` for ``là``), and neutral tokens (units, math functions, loanwords).
"""

from __future__ import annotations

# Common English words, including the vocabulary of math word problems. Words that are also
# common unmarked Vietnamese (to, do, an, so, con, can, hay ...) are in AMBIGUOUS instead, and
# words that are mostly names in Vietnamese text (Mark, Bill, Rose, June ...) are left out.
ENGLISH = frozenset(
    """
    a about above according across actually add added adding addition after again against ago all
    almost alone along already also although always am among amount and another answer answers any
    anything apart apples apple are area around as ask asked at away back bag bags based basket
    be because become been before began begin being below best better between big both bottom bought
    box boxes boy boys bring but buy buys by calculate calculated calculation candies candy cannot cars
    cat cats cent cents chapter check child children choose chose circle class coins come comes compute
    consider contains cookies correct cost costs could count day days decimal denominator determine
    did difference different digit digits divide divided dividing division does dog dogs dollar dollars
    done double down during each earn earned earns eat eats eight eighteen eighty either eleven else
    end enough equal equals equation equations even every everything example exactly expression fact
    factor factors far few fifteen fifty final finally find finding first five for found four fourteen
    fourth fraction friend friends from full gave get gets girl girls give given gives go goes going
    good got greater had half has have having her here hers high him his hold holds hour hours house
    how however hundred if into is it its itself just keep kids kind know large larger last later least
    left less let like likely long longer look looking lot made make makes making many math means
    meters miles minus minute minutes money month months more most much multiply multiplied must my
    need needed needs never new next nine nineteen ninety not note now number numbers numerator
    of off often old on once one only or order other others our out over own pages paid part parts
    pay pays people per percent perimeter person pick piece pieces plus point points possible price
    probability problem product quarter question rate rather remaining remainder remains result results
    right rounded said same saves saving second see sell sells set seven seventeen seventy several she
    should show shown side sides since six sixteen sixty small smaller solution solve solving some
    something speed spend spends spent square start step steps still students subtract subtracting
    such sum suppose take takes taking than that the their them then there therefore these they
    thing things think third thirteen thirty this those thousand three through thus time times
    together told too total toy toys triangle twelve twenty twice two under unit units until up upon
    us use used using value values very want wants was way we week weeks weight well were what when
    where whether which while who whole why width will with within without worth would write year
    years yes yet you your zero
    firstly secondly hence might shall wait alternatively okay maybe perhaps simplify substitute plug yields
    obtain obtained meaning recall notice observe assume wrong sure hope help helps lets verify verified
    matches match case cases neither nor
    """.split()
)

# English words that are also frequent unmarked Vietnamese words: English only inside an English run.
AMBIGUOUS = frozenset("to do an so con can hay me ten men".split())

# English words that start proper names when a capitalised name follows (New York, Great Britain).
NAME_STARTERS = frozenset(
    "new north south east west united great old grand central national royal saint golden red black white green "
    "blue little upper lower mount lake big happy good long high first".split()
)

# Vietnamese words whose unmarked form is itself a valid syllable, but rare as written: seeing
# ``la``/``va``/``co`` in running text almost always means the marks were dropped (là, và, có).
# Unmarked forms that need a quality mark or a stop-coda tone (nguoi, duoc, mot) are found by
# spelling and need no entry here; common unmarked words (cho, hai, ba, khi, trong) must not be here.
DROPPED_MARKS = frozenset(
    """
    la va co cua bon chin tram nghin tru nhan tong nen ngoai tren nhung day toi moi lai them trinh hinh
    tron dai rong binh cau loi goi phai bai toan nha tao keo cai tu den tang giam bang dau nhu se da dang
    doi boi chan le am ham rang nua vao khong chon dap hon gio dong tri
    """.split()
)
# Unmarked words that are correct after or before these neighbours ("đô la" is the dollar).
LEGIT_PAIRS = frozenset({("đô", "la"), ("la", "bàn"), ("la", "mã")})

# Neutral tokens: units, math functions, Vietnamese loanwords written in ASCII, filler of LaTeX.
NEUTRAL = frozenset(
    """
    cm mm dm km kg mg ml lit ha kwh mph ft kcal cal usd vnd vnđ eur km/h
    sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp lim max min mod gcd lcm
    det deg rad sqrt frac cdot times pi dx dy dt infty
    axit bazo logic pixel radian gam kilogam kilomet mol oxi hydro cacbon nito protein vitamin virus
    video internet email website online robot taxi pizza piano guitar ok ampe jun kelvin mega giga
    bit byte cpu usb wifi laptop tivi radio camera album game pin cosin cotang logarit vecto parabol
    hypebol elip modulo matrix
    """.split()
)

# Marked words that are Vietnamese but not one well-formed syllable: loanwords written as one word
# and place names with a k coda. Every other marked word must pass ``check_syllable`` (or be
# Vietnamese in shape with garbled marks, ``ngừoi``) to count as Vietnamese; see words.classify.
MARKED_LOANWORDS = frozenset(
    """
    ôtô ôxi ôxit vectơ mêtan êtan êtylen axêtilen prôtêin hiđrô hiđro cacbônic pôlime ađênin pêđan
    kilôgam kilômét xentimét milimét đềximét centimét hécta hectômét lôgarit lôgic rađa rađian
    kilôoát mêga glucôzơ xenlulôzơ bazơ xăngtimét đắk lắk krông plây
    """.split()
)

# Lower-case words that may stand between the capitalised words of one name or title
# ("Harry Potter and the Chamber of Secrets", "Bank of America", "Leonardo da Vinci").
NAME_LINKS = frozenset("of and the a an in on at for to with from by de du des la le van von der den da di del y e".split())

# A parenthesised or quoted English gloss is a term ("(conditional probability of A given B)");
# these words make it a clause instead ("(the smallest prime greater than three is five)"), which stays.
GLOSS_BREAKERS = frozenset(
    """
    is are was were am be been being has have had does did we you he she they our us so therefore thus hence
    because answer let can will would should must gives get gets got equals now
    """.split()
)
# ... and these do when they open it: an instruction or a connective, not a noun phrase ("(divide both sides by 2)").
GLOSS_OPENERS = frozenset(
    """
    add subtract multiply divide compute calculate find solve simplify substitute plug note check first next then
    finally since which this that it there here
    """.split()
)
