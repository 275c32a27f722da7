#!/usr/bin/env bash
# The kiosk app (mncr-kiosk, issue 20) against a simulated reader in the
# test bed, under Xvfb: the real flow (libmncr, mncr-eligd over mutual TLS,
# the simulator's card and camera), driven by --script pressing the real
# buttons; --screenshot-dir saves a PNG and the visible text of every drawn
# change (snapshot.c: "[picture: NAME WxH]" for each picture shown).
#   1 PIN-less card, face OK: live preview with the face found, consents,
#     result with 負担割合, kept after the card is out, then waiting
#   2 PIN-less, face fails -> staff 目視確認: the card photo and the live
#     image side by side, the image streaming while the staff look (3 s)
#     -> eligible; the reader back to auto
#   3 PIN card, PIN: dots on the keypad, the PIN in no dump nor log
#   4 pharmacy, patient absent: 目視確認 refused, the guidance, no picture
# KIOSK_SHOTS=DIR keeps the screenshots there (make screenshots); else
# they stay in the run's folder. KIOSK_CASES="1 3" runs some.
# vm-timeout: 2400
# shellcheck disable=SC2317 # the helpers run through check
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flow_lib.sh"

KIOSK=$BUILD/mncr-kiosk
if [ ! -x "$KIOSK" ] || ! command -v xvfb-run > /dev/null; then
	echo "SKIP: kiosk flow (no $KIOSK or no xvfb-run)"
	exit 0
fi
SHOTS=${KIOSK_SHOTS:-$FLOW/shots}
CASES=${KIOSK_CASES:-1 2 3 4}
FAST="--frames-per-attempt 1"
want() { [[ " $CASES " == *" $1 "* ]]; }
mode_is() { [ "$("$MNCR" --reader "$FLOW_SERIAL" mode | cut -d' ' -f1)" = "$1" ]; }
is_png() { [ -s "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = 211PNG ]; }

# GTK wants a runtime folder of its own; the dumps are plain files.
export XDG_RUNTIME_DIR=$FLOW/xdg HOME=$FLOW
mkdir -m 0700 "$XDG_RUNTIME_DIR"

# kiosk NAME ANSWERS [options]: one card's session in the kiosk. ANSWERS
# are the script's lines ('|' between them: the buttons pressed). Shots
# in $SHOTS/NAME, stderr (the library's transcript) in $FLOW/NAME.out,
# exit status in KIOSK_RC. The card is taken out when the flow asks.
kiosk() {
	local name=$1 answers=$2 kpid rpid
	shift 2
	mkdir -p "$SHOTS/$name"
	rm -f "$SHOTS/$name"/*
	: > "$FLOW/$name.out"
	(umask 077; tr '|' '\n' <<<"$answers" > "$FLOW/$name.script")
	# shellcheck disable=SC2046
	GSK_RENDERER=cairo MNCR_LOCALEDIR=$BUILD/locale LC_ALL=C.UTF-8 LANGUAGE='' \
		timeout 1800 xvfb-run -a -s "-screen 0 1024x768x24" \
		"$KIOSK" --window --reader "$FLOW_SERIAL" $(service_opts) \
		--audit "$AUDIT" --claim-dir "$FLOW" --models "$MODELS" \
		--ca-keys "$SIM_PKI/cv-ca" --operator nurse01 \
		--script "$FLOW/$name.script" --screenshot-dir "$SHOTS/$name" "$@" \
		> /dev/null 2> "$FLOW/$name.out" &
	kpid=$!
	remover "$FLOW/$name.out" &
	rpid=$!
	wait "$kpid"
	KIOSK_RC=$?
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	sim "$FLOW_SERIAL" remove > /dev/null 2>&1
	rm -f "$FLOW/$name.script"
	if [ -n "${FLOW_VERBOSE:-}" ] || [ "$KIOSK_RC" -ge 2 ] && [ "$KIOSK_RC" != 10 ]; then
		sed "s/^/# $name: /" "$FLOW/$name.out" | tail -n 40
	fi
}

# The dumps of NAME's screen PAGE, newest last ("NN-PAGE.txt").
dumps() { ls "$SHOTS/$1"/*-"$2".txt 2>/dev/null; }
# page_has NAME PAGE TEXT: one of the page's dumps has TEXT as a line.
page_has() {
	local f
	for f in $(dumps "$1" "$2"); do grep -qxF -- "$3" "$f" && return 0; done
	return 1
}
# page_has_re NAME PAGE RE: one of the page's dumps has a line matching RE.
page_has_re() {
	local f
	for f in $(dumps "$1" "$2"); do grep -qE -- "$3" "$f" && return 0; done
	return 1
}
# all_png NAME: at least one shot, every dump with its PNG and every PNG
# with its dump (a dump alone: snapshot.c could not render, see .out).
all_png() {
	local f n=0
	for f in "$SHOTS/$1"/*.txt; do
		is_png "${f%.txt}.png" || return 1
		n=$((n + 1))
	done
	for f in "$SHOTS/$1"/*.png; do
		[ -e "${f%.png}.txt" ] || return 1
	done
	[ "$n" -gt 0 ] && ! grep -q 'cannot render' "$FLOW/$1.out"
}
# no_digits NAME PIN: the PIN in none of the dumps nor in the transcript.
no_digits() {
	local f
	for f in "$SHOTS/$1"/*.txt "$FLOW/$1.out"; do
		lacks_number "$f" "$2" || return 1
	done
}

if ! flow_start KI1 --card pinless; then
	fail "start: reader, PKI and mncr-eligd" "$(tail -n 3 "$FLOW"/*.log 2>/dev/null)"
	finish
fi
flow_capture
echo "# camera: $([ "$CAPTURE" = 1 ] && echo "the reader's camera" || echo "--frame pictures of the simulator's scenes")"

# ---- 1: PIN-less card, face OK ----
if want 1; then
	insert pinless
	# shellcheck disable=SC2046,SC2086
	kiosk k1 "yes|yes|yes|yes" $(camera blink) $FAST
	check "1 PIN-less, face: eligible (exit 0)" test "$KIOSK_RC" = 0
	check "1 outcome eligible, method face" grep -q 'outcome: eligible method face' "$FLOW/k1.out"
	check "1 every shot a PNG with its text" all_png k1
	check "1 face page: the live preview drawn" page_has_re k1 face '^\[picture: カメラの映像 [0-9]+x[0-9]+\]$'
	check "1 face page: a face found in the preview" \
		page_has_re k1 face '^(顔を確認しています。|まばたきをしてください。|確認できました。)$'
	check "1 consent page: yes and no" page_has k1 consent "同意しない"
	check "1 result page: 負担割合" page_has_re k1 result '負担割合'
	# Held after the card is out (--result-seconds), then waiting.
	check "1 the last shots: result, then waiting" \
		test "$(printf "%s\n" "$SHOTS/k1"/*.txt | tail -n 2 | sed 's|.*/[0-9]*-||; s|\.txt$||' | tr '\n' ' ')" = "result waiting "
	check "1 no PIN page on a PIN-less card" test -z "$(dumps k1 pin)"
	check "1 no 目視確認 page" test -z "$(dumps k1 visual)"
fi

# ---- 2: PIN-less, face fails -> staff 目視確認 -> eligible -> auto ----
if want 2; then
	insert pinless
	# shellcheck disable=SC2046,SC2086
	kiosk k2 "visual|wait 3|yes|yes|yes|no|no" $(camera other) $FAST --face-max 2
	check "2 visual with attestation: eligible (exit 0)" test "$KIOSK_RC" = 0
	check "2 outcome eligible, method visual" grep -q 'outcome: eligible method visual' "$FLOW/k2.out"
	check "2 every shot a PNG with its text" all_png k2
	check "2 staff page: 目視確認 offered" page_has k2 staff "目視確認"
	check "2 目視確認 page: the card photo drawn" \
		page_has_re k2 visual '^\[picture: カードの顔写真 [0-9]+x[0-9]+\]$'
	check "2 目視確認 page: the live image drawn" \
		page_has_re k2 visual '^\[picture: カメラの映像 [0-9]+x[0-9]+\]$'
	# Both in the same shot: the screenshot shows them side by side.
	both=
	for f in $(dumps k2 visual); do
		grep -q '^\[picture: カードの顔写真' "$f" && grep -q '^\[picture: カメラの映像' "$f" &&
			both=${f%.txt}.png
	done
	check "2 目視確認: one screenshot with both pictures" is_png "${both:-/nonexistent}"
	# The staff looked 3 s: the live image kept coming, each one drawn.
	live=$(sed -n 's/.*live view: \([0-9]*\) frames.*/\1/p' "$FLOW/k2.out")
	check "2 目視確認: the live image streamed (${live:-no} frames)" test "${live:-0}" -ge 2
	check "2 目視確認: redrawn with new frames ($(grep -l '^\[picture: カメラの映像' $(dumps k2 visual) /dev/null | wc -l) records)" \
		test "$(grep -l '^\[picture: カメラの映像' $(dumps k2 visual) /dev/null | wc -l)" -ge 2
	check "2 the reader was in 目視確認 during the check" grep -q 'switched to 目視確認' "$FLOW/k2.out"
	check "2 card removed: mode auto again" mode_is auto
	check "2 the operator in the audit log" grep -q '"operator":"nurse01"' "$AUDIT"
fi

# ---- 3: PIN card, PIN ----
if want 3; then
	insert pin
	kiosk k3 "pin|1234|yes|yes|yes|yes"
	check "3 PIN card, PIN: eligible (exit 0)" test "$KIOSK_RC" = 0
	check "3 outcome eligible, method pin" grep -q 'outcome: eligible method pin' "$FLOW/k3.out"
	check "3 every shot a PNG with its text" all_png k3
	check "3 choose page: face and PIN offered" page_has k3 choose "暗証番号"
	check "3 PIN page: the keypad's placeholder dots" page_has_re k3 pin '^(・・・・|●+)$'
	check "3 the PIN in no dump nor transcript" no_digits k3 1234
	check "3 no dump has two digits together on the PIN page" \
		sh -c "! cat $(dumps k3 pin | tr '\n' ' ') /dev/null | grep -qE '[0-9]{2}'"
	check "3 the script file is gone" test ! -e "$FLOW/k3.script"
fi

# ---- 4: pharmacy, patient absent ----
if want 4; then
	insert pinless
	kiosk k4 "visual|yes" --site pharmacy --patient-absent
	check "4 pharmacy, patient absent: not eligible (exit 10)" test "$KIOSK_RC" = 10
	check "4 outcome visual_refused" grep -q 'outcome: visual_refused' "$FLOW/k4.out"
	check "4 every shot a PNG with its text" all_png k4
	check "4 the guidance: prescription or 資格確認書" \
		page_has_re k4 result '薬局では.*処方箋に記載の保険情報.*資格確認書'
	check "4 nobody at the camera: no picture on any screen" \
		sh -c "! cat '$SHOTS/k4'/*.txt | grep -q '^\[picture:'"
	check "4 mode auto after the card is out" mode_is auto
	check "4 no live view with the patient absent" sh -c "! grep -q 'live view' '$FLOW/k4.out'"
fi

flow_stop
finish
