#!/usr/bin/env bash
# Every simulated card profile through "mncr card --backend usb" (the
# library's libusb CCID host): see card_profiles.inc. Test bed guest.
set -u
BACKEND=usb
. "$(dirname "$0")/card_profiles.inc"
