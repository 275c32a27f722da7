#!/usr/bin/env bash
# Every simulated card profile through "mncr card --backend pcsc"
# (unmodified pcscd + libccid): see card_profiles.inc. Test bed guest;
# skipped without Debian pcscd, libccid, opensc.
# 212 s alone under TCG, over 300 s beside builds: a longer guest limit.
# vm-timeout: 600
set -u
BACKEND=pcsc
. "$(dirname "$0")/card_profiles.inc"
