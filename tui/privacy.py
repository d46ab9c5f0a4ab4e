"""The privacy mask: emails, IP addresses, card numbers and secrets hidden in display text.

`mask_pii` is pure; the switch (`set_masking`) is read by the display boundary, `sanitize`, so
every string drawn or printed passes the same rules. The data itself is never changed.

Each mask keeps a hint of shape and never the secret: `a***@example.com`,
`***.***.***.***`, `****:****::****`, `**** **** **** 4242`, `Bearer ***`, `eyJ***` (a JWT),
`sk_live_***` (a known key prefix), `***` (a long hex or base64 secret), `password=***`,
`postgres://app:***@` (a password in a URL).
Left alone on purpose: line numbers, `0x7ffd...` addresses, UUIDs, 32-hex event ids and
40-hex git SHAs (releases are named by them), epoch milliseconds (13 digits starting with 1).

Every rule runs in linear time on any input: a match can start only where a run of its
characters starts (a lookbehind), and runs are taken possessively (`++`, `*+`) wherever giving
characters back could not help the match.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable

_EMAIL = r"(?<![\w.+-])([\w+-])[\w.+-]*+@([A-Za-z][\w-]*+(?:\.[\w-]++)*\.[A-Za-z]{2,}+)\b"
_BEARER = r"\b(Bearer|Basic)(\s++)(?=[A-Za-z._~+/=-]*+\d)[A-Za-z0-9._~+/=-]{8,}+"
# The header segment stops before a `-eyJ`, where the next match may start: else each `eyJ`
# of `eyJ-eyJ-…` would scan to the end of the run (quadratic).
_JWT = r"\beyJ\w*+(?:-++(?!eyJ)\w*+)*+\.[\w-]++\.[\w-]*+"
_URL_PASSWORD = r"(?<![\w+.-])([A-Za-z][\w+.-]*+://[^\s:/?#@]*+:)[^\s/?#]*@"
_KEY_PREFIX = (
    r"\b((?:sk|pk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|ph[cx]_|sntry[su]_|glpat-|xox[abpr]-)"
    r"[\w-]{8,}+"
)
_AWS_KEY = r"\bAKIA[0-9A-Z]{16}\b"
_SECRET_FIELD = (
    r"(?i)(?<=[?&;])(password|passwd|pwd|secret|token|access_token|refresh_token|api_key|apikey"
    r"|auth|key|sig|signature|session|sessionid)=([^&\s#\"'<>]++)"
)
_LONG_HEX = r"(?<![\w.])[0-9a-fA-F]{48,}+(?![\w.])"
_BASE64 = r"(?<![\w+/=-])[A-Za-z0-9+/_-]{32,}+={0,2}+(?![\w+/=-])"
_IPV4 = r"(?<![\w.-])(?:\d{1,3}\.){3}\d{1,3}(?![\w.-])"
_IPV6 = r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])"
_CARD = r"(?<![\w-])[2-6](?:[ -]?\d){12,18}(?![\w-])"


def mask_pii(text: str) -> str:
    """`text` with every email, IP address, card number and token-like value masked."""
    for pattern, replace in _rules():
        text = pattern.sub(replace, text)
    return text


def _email(match: re.Match[str]) -> str:
    return f"{match[1]}***@{match[2]}"


def _bearer(match: re.Match[str]) -> str:
    return f"{match[1]}{match[2]}***"


def _prefixed(match: re.Match[str]) -> str:
    return f"{match[1]}***"


def _url_password(match: re.Match[str]) -> str:
    return f"{match[1]}***@"


def _secret_field(match: re.Match[str]) -> str:
    return f"{match[1]}=***"


def _base64(match: re.Match[str]) -> str:
    """Only what looks random: letters of both cases and digits (identifiers rarely have all)."""
    word = match[0]
    digits = sum(c.isdigit() for c in word)
    mixed = digits and any(c.isupper() for c in word) and any(c.islower() for c in word)
    # A path (`src/Views/UserProfile2/index`) has slashes and few digits; random base64
    # averages a digit every 6.4 characters.
    path_like = "/" in word and digits * 12 < len(word)
    return "***" if mixed and not path_like else word


def _ipv4(match: re.Match[str]) -> str:
    try:
        ipaddress.IPv4Address(match[0])
    except ValueError:
        return match[0]  # 999.1.2.3 is a version or a counter, not an address
    return "***.***.***.***"


def _ipv6(match: re.Match[str]) -> str:
    word = match[0]
    # `Foo::add` and `ab::cd` are code; an address worth hiding has digits in it.
    if not any(c.isdigit() for c in word):
        return word
    try:
        ipaddress.IPv6Address(word)
    except ValueError:
        return word
    return "****:****::****"


def _card(match: re.Match[str]) -> str:
    number = match[0]
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19 or not _luhn(digits):
        return number
    keep = len(number) - 4
    return "".join("*" if c.isdigit() else c for c in number[:keep]) + number[keep:]


def _luhn(digits: list[int]) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


_RULES: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    # Secrets first: a JWT or a key must go whole before the card or IP rules see its digits.
    (_URL_PASSWORD, _url_password),  # before the email rule reads `pass@host` as an address
    (_SECRET_FIELD, _secret_field),
    (_BEARER, _bearer),
    (_JWT, lambda m: "eyJ***"),
    (_KEY_PREFIX, _prefixed),
    (_AWS_KEY, lambda m: "AKIA***"),
    (_EMAIL, _email),
    (_LONG_HEX, lambda m: "***"),
    (_BASE64, _base64),
    (_CARD, _card),
    (_IPV4, _ipv4),
    (_IPV6, _ipv6),
)


@functools.cache
def _rules() -> tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]:
    """Compiled on the first mask: most runs never mask, and every CLI command imports this."""
    return tuple((re.compile(pattern), replace) for pattern, replace in _RULES)


class _Switch:
    on = False


def set_masking(on: bool) -> None:
    """Turn the mask on or off for everything displayed from now on (TUI and CLI alike)."""
    _Switch.on = on


def masking() -> bool:
    return _Switch.on
