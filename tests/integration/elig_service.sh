#!/usr/bin/env bash
# mncr-eligd as an administrator runs it: loading subscribers, detaching
# as a daemon, answering openssl s_client (a TLS and HTTP client that is
# not ours), reloading a new CRL on SIGHUP and keeping the old one when
# the new one is broken, and stopping cleanly on SIGTERM. Loopback only.
set -u
. "$(dirname "$0")/lib.sh"

ELIGD=$BUILD/mncr-eligd
dir=$(mktemp -d)
pki=$dir/pki
db=$dir/db.sqlite
log=$dir/eligd.log

if ! "$REPO/tests/pki/make-pki" "$pki" > "$dir/pki.log" 2>&1; then
	fail "make-pki" "$(tail -n 3 "$dir/pki.log")"
	finish
fi
serial=$(openssl x509 -in "$pki/card-pin.pem" -noout -serial | cut -d= -f2)

# ---- administration ----
admin() { "$ELIGD" "$@" 2>> "$dir/admin.log"; }
check "--init-db and --add-subscriber" admin --db "$db" --init-db \
	--add-subscriber "$serial:06139998:記号:71825364:01:030:ア"
check "the database is private (0600)" test "$(stat -c %a "$db")" = 600
check "a 7-digit insurer number is refused" \
	sh -c "! '$ELIGD' --db '$db' --add-subscriber 1000:1234567:A:1:01:030: 2>/dev/null"
check "a bad serial is refused" \
	sh -c "! '$ELIGD' --db '$db' --add-subscriber XYZ:123456:A:1:01:030: 2>/dev/null"
check "a database without the schema is refused" \
	sh -c "! '$ELIGD' --db '$dir/none.sqlite' --add-subscriber 1:123456:A:1:01:030: 2>/dev/null"

# ---- daemon ----
start() {
	"$ELIGD" --daemon --listen 127.0.0.1:0 --port-file "$dir/port" \
		--pidfile "$dir/pid" --log "$log" \
		--cert "$pki/service.pem" --key "$pki/service.key" \
		--client-ca "$pki/site-ca.pem" --card-ca "$pki/jpki-ca.pem" \
		--crl "$pki/jpki-ca.crl.pem" --db "$db" --timeout 2
}
check "--daemon returns once it serves" start
pid=$(cat "$dir/pid" 2>/dev/null)
port=$(cat "$dir/port" 2>/dev/null)
check "the daemon runs" kill -0 "${pid:-0}"
check "--daemon with a missing CRL fails at once" \
	sh -c "! '$ELIGD' --daemon --listen 127.0.0.1:0 --cert '$pki/service.pem' \
		--key '$pki/service.key' --client-ca '$pki/site-ca.pem' \
		--card-ca '$pki/jpki-ca.pem' --crl '$dir/nothing' --db '$db' 2>/dev/null"

# body ID CARD: a face-mode request for the card certificate CARD.der.
body() {
	printf '{"version":1,"request_id":"%s","medical_institution_code":"1312345678","site_kind":"pharmacy","verification":{"method":"face","operator_attested":false},"consents":{"medication":true,"checkup":true,"clinical":false,"surgery":false},"card_certificate":"%s"}' \
		"$1" "$(base64 -w0 "$pki/$2.der")"
}

# ask ID CARD [s_client options]: the response (head and body) on stdout.
ask() {
	local id=$1 card=$2 b
	shift 2
	b=$(body "$id" "$card")
	printf 'POST /v1/qualification HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#b}" "$b" |
		timeout 10 openssl s_client -connect "127.0.0.1:$port" \
			-servername localhost -verify_return_error \
			-CAfile "$pki/site-ca.pem" -quiet "$@" 2>/dev/null
}

reader=(-cert "$pki/reader.pem" -key "$pki/reader.key")
out=$(ask r1 card-pin "${reader[@]}")
check "s_client: HTTP 200" grep -q '^HTTP/1.1 200 OK' <<<"$out"
check "s_client: the subscriber's fields" \
	grep -q '"insurer_number":"06139998","symbol":"記号","number":"71825364","branch":"01","share":"030","limit_class":"ア"' <<<"$out"
check "s_client: consents as recorded" \
	grep -q '"consents":{"medication":true,"checkup":true,"clinical":false,"surgery":false}' <<<"$out"
check "s_client: no-store" grep -q '^Cache-Control: no-store' <<<"$out"
out=$(ask r2 card-expired "${reader[@]}")
check "s_client: expired card is 403 cert_expired" \
	grep -q '"code":"cert_expired"' <<<"$out"
out=$(ask r3 card-pin)
check "s_client without a certificate gets no answer" \
	test -z "$(grep '^HTTP' <<<"$out")"
out=$(ask r4 card-pin "${reader[@]}" -tls1_2)
check "TLS 1.2 is refused" test -z "$(grep '^HTTP' <<<"$out")"

# ---- CRL reload ----
(
	cd "$pki" &&
	openssl ca -batch -config jpki-ca.cnf -revoke card-pin.pem \
		-crl_reason keyCompromise &&
	openssl ca -batch -config jpki-ca.cnf -gencrl -out jpki-ca.crl.pem
) > /dev/null 2>&1
kill -HUP "$pid"
check "SIGHUP reloads the CRL" wait_for 5 grep -q 'CRL reloaded' "$log"
out=$(ask r5 card-pin "${reader[@]}")
check "a card revoked since start is refused" \
	grep -q '"code":"cert_revoked"' <<<"$out"
echo broken > "$pki/jpki-ca.crl.pem"
kill -HUP "$pid"
check "a broken CRL is reported" wait_for 5 grep -q 'reload failed' "$log"
out=$(ask r6 card-pin "${reader[@]}")
check "and the previous CRL stays in force" \
	grep -q '"code":"cert_revoked"' <<<"$out"

# ---- stop ----
kill -TERM "$pid"
check "SIGTERM stops it" wait_for 5 sh -c "! kill -0 $pid 2>/dev/null"
check "the pidfile is removed" test ! -e "$dir/pid"
check "the log says it stopped" grep -q ': info: stopped$' "$log"
check "the log holds no insurance numbers" lacks_number "$log" 06139998 71825364

rm -rf "$dir"
finish
