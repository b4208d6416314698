"""Resumption tokens: the harvest's arguments and where it stands, signed (so a forged
token is refused) and valid for a day. A harvest's upper bound is fixed when it starts,
so records changed during it are left for the next harvest, never repeated or skipped
within this one."""

import datetime

from django.core import signing

SALT = "archive.oai.resumption"  # unchanged since tokens were first issued
LIFETIME = datetime.timedelta(hours=25)  # the specification's "at least 24 hours", kept


class BadToken(ValueError):
    pass


def issue(state: dict) -> str:
    return signing.dumps(state, salt=SALT, compress=True)


def read(token: str) -> dict:
    try:
        return signing.loads(token, salt=SALT, max_age=LIFETIME.total_seconds())
    except signing.SignatureExpired:
        raise BadToken("The resumption token has expired.") from None
    except signing.BadSignature:
        raise BadToken("The resumption token is not one this repository issued.") from None
