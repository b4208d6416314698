"""Editors' accounts: a second factor for every staff account, and their sessions.

- ``models.py``: recovery codes (a django-otp device of the archive's own: django-otp's
  static tokens are kept in plain text, these are kept hashed) and staff sessions (who is
  signed in where, so an editor can see and end them).
- ``second_factor.py``: enrolment (an authenticator app's TOTP device, confirmed by a
  first code; ten recovery codes shown once) and verification.
- ``middleware.py``: a staff account reaches no admin page until its session is verified
  with a second factor (led to set one up if it has none); staff sessions end after
  inactivity; each staff session is recorded.
"""
