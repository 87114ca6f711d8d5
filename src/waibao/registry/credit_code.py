"""Unified social credit code (GB 32100-2015) and embedded organisation code (GB 11714) checks."""

from __future__ import annotations

from dataclasses import dataclass, field

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28

ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def normalise(raw: str) -> str:
    """Strip every kind of white space and upper-case: the form we store and compare."""
    return "".join(str(raw).split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int | None:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    return None


def org_code_check_character(first8: str) -> str | None:
    values = [_org_value(ch) for ch in first8]
    known = [v for v in values if v is not None]
    if len(known) != len(values):
        return None
    total = sum(v * w for v, w in zip(known, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


@dataclass
class CreditCodeCheck:
    code: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_credit_code(raw: str) -> CreditCodeCheck:
    """Errors fail GB 32100 (refuse); warnings fail only the embedded GB 11714 check (staff may override).

    Messages are stable codes; forms translate them (see registry.forms.CREDIT_CODE_MESSAGES).
    """
    code = normalise(raw)
    result = CreditCodeCheck(code)
    if len(code) != 18:
        result.errors.append("length")
        return result
    bad = [ch for ch in code if ch not in VALUES]
    if bad:
        result.errors.append("characters")
        return result
    if check_character(code[:17]) != code[17]:
        result.errors.append("check")
        return result
    org = code[8:17]
    if org_code_check_character(org[:8]) != org[8]:
        result.warnings.append("org_code")
    return result


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (for demo data and tests)."""
    first17 = normalise(first17)
    return first17 + check_character(first17)


def make_org_code(first8: str) -> str:
    check = org_code_check_character(first8)
    if check is None:
        raise ValueError(first8)
    return first8 + check
