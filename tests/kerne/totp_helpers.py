"""TOTP codes for tests: what the user's authenticator app would show."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code(device: TOTPDevice, *, seconds_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + seconds_ahead
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    # Different from the codes of this step and its neighbours (the accepted drift).
    right = {code(device, seconds_ahead=s) for s in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in right)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Godkendelses-app", confirmed=True)
