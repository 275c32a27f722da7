#!/usr/bin/env bash
# Mode changes from the driver's events land in the hash-chained audit log
# with their reasons, and "mncr log verify" (text and --json) catches
# tampering and fails when there is no log at the path.
set -u
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
log=$dir/audit.log
bus_setup
plug AUD1 || { fail "plug AUD1" "no node"; finish; }

"$MNCR" events --audit --file "$log" > /dev/null &
follower=$!
node_open "$follower"
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
records=$(wc -l < "$log")
"$MNCR" --json log --file "$log" verify > "$dir/ok.json"
check "log verify --json passes on the untouched log" test $? -eq 0
check "log verify --json: valid JSON, ok, all $records records" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["records"] == int(sys.argv[2]) and d["log"] == sys.argv[3], d
assert "bad_line" not in d and "error" not in d, d
' "$dir/ok.json" "$records" "$log"

sed -i '2s/"reader":"AUD1"/"reader":"AUD2"/' "$log"
"$MNCR" log --file "$log" verify > "$dir/bad"
check "log verify fails on an edited record (exit 1)" test $? -eq 1
check "log verify names the edited line" grep -q 'TAMPERED at line 2' "$dir/bad"
"$MNCR" log --file "$log" verify --json > "$dir/bad.json"
check "log verify --json fails on an edited record (exit 1)" test $? -eq 1
check "log verify --json: valid JSON, not ok, line 2, 1 record before it" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False and d["bad_line"] == 2 and d["records"] == 1, d
assert "edited" in d["why"], d
' "$dir/bad.json"

# No log at the path is no pass; a log deleted with its head left is tampering.
"$MNCR" log --file "$dir/none.log" verify > "$dir/none" 2>&1
check "log verify with no log at the path fails (exit 2)" test $? -eq 2
check "log verify says there is no log" grep -q "no audit log at $dir/none.log" "$dir/none"
"$MNCR" --json log --file "$dir/none.log" verify > "$dir/none.json" 2>/dev/null
check "log verify --json with no log: not ok, error" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False and d["error"] == "no audit log", d
' "$dir/none.json"
rm "$log"
"$MNCR" log --file "$log" verify > "$dir/gone" 2>&1
check "log verify fails when the log is deleted and its head is left (exit 1)" test $? -eq 1
check "log verify calls the deleted log tampering" grep -q 'TAMPERED: the log is missing' "$dir/gone"

rm -rf "$dir"
finish
