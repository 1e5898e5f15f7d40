"""One word per concept: the variants the glossary rules out, and finding them in a text.

The Kazakh policy (templates/content/kk/politika.txt) is the operator's own text and sets the
Kazakh terms; it is never checked. Everything else a visitor reads is: interface strings,
content files, the policy's translations, rendered pages and mails (the test suite checks
them all; `flask content check` checks the content files).
"""

import re
from dataclasses import dataclass, field

# Where a text comes from: what a rule applies to.
INTERFACE = "interface"  # catalogue translations, templates, consent texts
CONTENT = "content"  # templates/content/<lang>/*.md, offers included
POLICY = "policy"  # the policy's Russian and English translations
PAGE = "page"  # a rendered page, without the policy text
MAIL = "mail"  # a rendered mail to one person
EVERYWHERE = frozenset({INTERFACE, CONTENT, POLICY, PAGE, MAIL})

POLICY_TITLES = {
    "kk": "Жеке деректерді өңдеуге қатысты саясат",
    "ru": "Политика обработки персональных данных",
    "en": "Personal data policy",
}


@dataclass(frozen=True)
class Rule:
    """A variant of one concept that visitors must not read, and the word to use instead."""

    lang: str
    pattern: re.Pattern
    use: str
    scopes: frozenset = EVERYWHERE
    # Spans that contain the variant legitimately (a law's title), taken out before matching.
    allow: tuple = field(default=())


def _rule(lang, pattern, use, scopes=EVERYWHERE, allow=(), flags=re.IGNORECASE):
    return Rule(
        lang,
        re.compile(pattern, flags),
        use,
        frozenset(scopes),
        tuple(re.compile(a, re.IGNORECASE) for a in allow),
    )


# A Kazakh «нысан» is a web form where it is filled in, sent, or named with the page's
# words; elsewhere in content it means premises (an offer's audit on site), which is right.
_FORM_NYSAN = (
    r"\b(толтыр\w*|төмендегі|жоғарыдағы|осы|бұл|байланыс|веб|онлайн|электрондық)\s+нысан\w*"
    r"|\bнысан\w*\s+(арқылы|тым|толтыр\w*|жіберіл\w*|өріс\w*|мерзімі)"
)
_NOT_POLICY = EVERYWHERE - {POLICY}

RULES = (
    _rule(
        "kk",
        r"\bдербес\s+дерек\w*",
        "жеке деректер",
        allow=(r"«Дербес деректер және оларды қорғау туралы»",),  # the law's title
    ),
    _rule("kk", r"\bқұпиялылық\s+саясат\w*", f"«{POLICY_TITLES['kk']}»"),
    _rule("kk", r"\b(жеке|дербес)\s+деректер\s+саясат\w*", f"«{POLICY_TITLES['kk']}»"),
    _rule("kk", r"\bнысан\w*", "форма (a web form)", {INTERFACE, MAIL}),
    _rule("kk", _FORM_NYSAN, "форма (a web form)", {CONTENT, PAGE}),
    _rule("kk", r"\bоператорның\b", "Оператордың"),
    _rule("kk", r"\bқатаң\s+қажет\w*", "Сайт жұмысы үшін міндетті"),
    _rule("kk", r"\bкері\s+қайтарып\s+ал\w*", "келісімді қайтарып алу"),
    _rule("kk", r"\bкелуші\w*", "Қолданушы", _NOT_POLICY),
    _rule("kk", r"(?<!\w)(сіз|сізге|сізді|сізден|сіздің)(?!\w)", "Сіз", {MAIL}, flags=0),
    _rule("ru", r"\bполитик\w*\s+конфиденциальности", f"«{POLICY_TITLES['ru']}»"),
    _rule(
        "ru",
        r"\bполитик\w*\s+в\s+отношении\s+обработки\s+персональных\s+данных",
        f"«{POLICY_TITLES['ru']}»",
    ),
    _rule("ru", r"\bпосетител\w*", "пользователь", _NOT_POLICY),
    _rule("ru", r"(?<!\w)(вы|вас|вам|вами|ваш\w*)(?!\w)", "Вы, Ваш", {MAIL}, flags=0),
    _rule("ru", r"\d\s*дн\.", "the number of days written out (ngettext)"),
    _rule("en", r"\bprivacy\s+policy\b", POLICY_TITLES["en"]),
    _rule("en", r"\bpersonal\s+data\s+processing\s+policy\b", POLICY_TITLES["en"]),
)


@dataclass(frozen=True)
class Finding:
    """A variant found: where in the text (1-based line), what, and what to write instead."""

    line: int
    found: str
    use: str


def find_variants(text, lang, scope):
    """The ruled-out variants in `text`, written in `lang`, coming from `scope`."""
    findings = []
    for rule in RULES:
        if rule.lang != lang or scope not in rule.scopes:
            continue
        checked = text
        for allowed in rule.allow:
            # Blank the allowed span but keep its line breaks, so line numbers stay right.
            checked = allowed.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), checked)
        for match in rule.pattern.finditer(checked):
            line = checked.count("\n", 0, match.start()) + 1
            findings.append(Finding(line, match.group(0), rule.use))
    return sorted(findings, key=lambda f: f.line)
