#!/usr/bin/env bash
# The technician CLI against simulated readers: status, events, and every
# way a visual-mode lease held by "mncr mode visual" ends.
set -u
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
bus_setup
plug CLI1 || { fail "plug CLI1" "no /dev/mncr/by-serial/CLI1"; finish; }

mode_is() { [ "$("$MNCR" mode | cut -d" " -f1)" = "$1" ]; }

# status, text and JSON
"$MNCR" status > "$out/status" 2>&1
check "status names the reader" grep -q 'serial CLI1' "$out/status"
check "status shows auto" grep -q 'mode: *auto' "$out/status"
"$MNCR" status --json > "$out/status.json"
check "status --json is valid JSON with the reader" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["readers"][0]
assert r["serial"] == "CLI1" and r["mode"] == "auto" and r["node"].startswith("/dev/mncr")
' "$out/status.json"
check "mode prints auto" mode_is auto

# events: card in and out
"$MNCR" events --count 2 --json > "$out/events" &
ev=$!
node_open "$ev"
sim CLI1 insert pinless >/dev/null
sim CLI1 remove >/dev/null
wait_for 20 sh -c "! kill -0 $ev 2>/dev/null" || kill "$ev"
wait "$ev"
check "events --count 2 exits 0" test $? -eq 0
check "events show card inserted then removed" python3 -c '
import json, sys
e = [json.loads(l)["event"] for l in open(sys.argv[1])]
assert e == ["card_inserted", "card_removed"], e
' "$out/events"

# lease ends at the timeout
"$MNCR" mode visual --timeout 1 > "$out/timeout" 2>&1
check "visual --timeout 1 returns 0" test $? -eq 0
check "visual --timeout says the time ran out" grep -q 'back to auto: the visual-mode time limit ran out' "$out/timeout"
check "mode is auto after the timeout" mode_is auto

# lease ends when the card session ends
sim CLI1 insert pinless >/dev/null
"$MNCR" mode visual > "$out/card" 2>&1 &
holder=$!
wait_for 5 mode_is visual
check "mode visual takes effect" mode_is visual
check "sysfs shows visual" grep -qx visual /sys/class/mncr/"$(basename "$(node CLI1)")"/mode
check "mode --json: visual, held (not detached)" python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["mode"] == "visual" and d["reader"].startswith("mncr") and d["detached"] is False, d
' <<<"$("$MNCR" mode --json)"
sim CLI1 remove >/dev/null
wait "$holder"
check "holder exits 0 at card removal" test $? -eq 0
check "holder says the card was removed" grep -q 'back to auto: the card was removed' "$out/card"
check "mode is auto after card removal" mode_is auto

# lease ends when the holder is killed (crash): within 1 s
"$MNCR" mode visual > /dev/null 2>&1 &
holder=$!
wait_for 5 mode_is visual
kill -9 "$holder"
wait "$holder" 2>/dev/null
check "kill -9 of the holder reverts within 1 s" wait_for 1 mode_is auto

# Ctrl-C ends it cleanly
"$MNCR" mode visual > "$out/int" 2>&1 &
holder=$!
wait_for 5 mode_is visual
kill -INT "$holder"
wait "$holder"
check "Ctrl-C exits 0" test $? -eq 0
check "Ctrl-C says the operator stopped it" grep -q 'stopped by the operator' "$out/int"
check "mode is auto after Ctrl-C" mode_is auto

# another terminal switches back
"$MNCR" mode visual > "$out/other" 2>&1 &
holder=$!
wait_for 5 mode_is visual
"$MNCR" mode visual --timeout 5 > "$out/busy" 2>&1
check "a second visual lease is refused (exit 1)" test $? -eq 1
check "refusal names the holder" grep -q 'another program holds visual mode' "$out/busy"
"$MNCR" mode auto > /dev/null
wait "$holder"
check "holder reports the switch by request" grep -q 'back to auto: switched by request' "$out/other"

# detached lease: only the timeout and card session end it
# (5 s: on the debug kernel starting the next mncr alone can take 1 s)
"$MNCR" mode visual --detach --timeout 5 > /dev/null
check "detach returns at once with visual on" mode_is visual
check "detached lease ends at its timeout" wait_for 10 mode_is auto

# least privilege: sysfs for anyone, the node for group mncr only. The
# others run a copy of the CLI: the checkout may be where only root
# enters (/root/mncr in a fresh root: 0700).
gid=$(getent group mncr | cut -d: -f3)
pub=$(mktemp -d /tmp/mncr-pub.XXXXXX)
chmod 0755 "$pub"
cp "$MNCR" "$BUILD"/libmncr.so.0* "$pub"/
check "node belongs to group mncr, mode 0660" \
	test "$(stat -L -c '%G %a' "$(node CLI1)")" = "mncr 660"
check "anyone may read status" \
	sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups $pub/mncr status > /dev/null"
setpriv --reuid=65534 --regid=65534 --clear-groups "$pub/mncr" mode visual --timeout 1 >/dev/null 2>&1
check "outsider cannot switch mode (exit 4)" test $? -eq 4
setpriv --reuid=65534 --regid=65534 --groups="$gid" "$pub/mncr" mode visual --timeout 1 >/dev/null 2>&1
check "group mncr member can hold visual mode" test $? -eq 0
rm -rf "$pub"

# usage and selection errors
"$MNCR" mode sideways >/dev/null 2>&1
check "unknown mode is a usage error (exit 2)" test $? -eq 2
"$MNCR" --reader NOPE mode >/dev/null 2>&1
check "unknown reader exits 3" test $? -eq 3
plug CLI2 || fail "plug CLI2" "no node"
"$MNCR" mode >/dev/null 2>&1
check "two readers without --reader is a usage error" test $? -eq 2
check "--reader by serial link" test "$("$MNCR" --reader /dev/mncr/by-serial/CLI2 mode)" = auto
check "status lists both readers" test "$("$MNCR" status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["readers"]))')" = 2
sim CLI2 quit >/dev/null
check "unplugged reader disappears from status" wait_for 5 test "$("$MNCR" status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["readers"]))')" = 1

rm -rf "$out"
finish
