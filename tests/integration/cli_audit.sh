#!/usr/bin/env bash
# Mode changes from the driver's events land in the hash-chained audit log
# with their reasons, and "mncr log verify" catches tampering.
set -u
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
log=$dir/audit.log
bus_setup
plug AUD1 || { fail "plug AUD1" "no node"; finish; }

"$MNCR" events --audit --file "$log" > /dev/null &
follower=$!
sleep 0.3
sim AUD1 insert pinless > /dev/null
"$MNCR" mode visual > /dev/null &
holder=$!
wait_for 5 test "$("$MNCR" mode)" = visual
sim AUD1 remove > /dev/null
wait "$holder"
check "events reach the log" wait_for 5 test "$(grep -c '"event":"mode_changed"' "$log" 2>/dev/null)" -ge 2
kill "$follower"
wait "$follower" 2>/dev/null

check "log records the revert reason" grep -q '"mode":"auto","event_seq":"[0-9]*","reason":"card_removed"' "$log"
check "log records the card session" grep -q '"event":"card_removed"' "$log"
check "log holds no card-front digits" lacks_number "$log" 19800217 2285
"$MNCR" log --file "$log" verify > "$dir/ok"
check "log verify passes on the untouched log" test $? -eq 0
check "log verify counts the records" grep -q 'chain intact' "$dir/ok"

sed -i '2s/"reader":"AUD1"/"reader":"AUD2"/' "$log"
"$MNCR" log --file "$log" verify > "$dir/bad"
check "log verify fails on an edited record (exit 1)" test $? -eq 1
check "log verify names the edited line" grep -q 'TAMPERED at line 2' "$dir/bad"

rm -rf "$dir"
finish
