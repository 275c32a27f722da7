#!/usr/bin/env bash
# Every simulated card profile through "mncr card --backend pcsc"
# (unmodified pcscd + libccid): see card_profiles.inc. Test bed guest;
# skipped without Debian pcscd, libccid, opensc.
set -u
BACKEND=pcsc
. "$(dirname "$0")/card_profiles.inc"
