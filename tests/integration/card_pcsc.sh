#!/usr/bin/env bash
# PC/SC interop: unmodified pcscd + libccid (Debian pcscd, libccid) see
# the simulated reader's CCID slot, and OpenSC (opensc-tool, pkcs15-tool)
# reads the ATR and the JPKI certificate. libccid only knows readers from
# its Info.plist: a copy with our VID/PID goes over the driver directory
# (a bind mount in the guest; the host is untouched). Runs in the test bed
# guest; skipped (exit 0 with a SKIP line) when the packages are missing.
set -u
. "$(dirname "$0")/lib.sh"

BUNDLE=/usr/lib/pcsc/drivers/ifd-ccid.bundle
for x in pcscd opensc-tool pkcs15-tool; do
	if ! command -v "$x" >/dev/null || [ ! -d "$BUNDLE" ]; then
		echo "SKIP: PC/SC interop (need Debian pcscd, libccid, opensc)"
		exit 0
	fi
done

work=$(mktemp -d)
drivers=$work/drivers
mkdir -p "$drivers"
cp -a "$BUNDLE" "$drivers/"
# One more reader at the head of the three parallel arrays.
sed -i -e '/<key>ifdVendorID<\/key>/{n;s|<array>|<array>\n\t\t<string>0x1209</string>|}' \
	-e '/<key>ifdProductID<\/key>/{n;s|<array>|<array>\n\t\t<string>0x0001</string>|}' \
	-e '/<key>ifdFriendlyName<\/key>/{n;s|<array>|<array>\n\t\t<string>mncr simulated reader</string>|}' \
	"$drivers/ifd-ccid.bundle/Contents/Info.plist"
mount --bind "$drivers" /usr/lib/pcsc/drivers || { fail "bind libccid copy" "mount"; finish; }

bus_setup
"$SIM" --daemon --serial PCSC1 --card pin || { fail "start mncr-sim" "failed"; finish; }
mkdir -p /run/pcscd
# shellcheck disable=SC2046 # no option or one
pcscd --foreground --debug $(pcscd_opts) >"$work/pcscd.log" 2>&1 &
pcscd_pid=$!

wait_for 20 sh -c 'opensc-tool --list-readers 2>/dev/null | grep -q mncr'
readers=$(opensc-tool --list-readers 2>&1)
check "pcscd + libccid list the simulated reader" grep -q "mncr" <<<"$readers"
atr=$(opensc-tool --atr 2>&1)
check "opensc-tool --atr: 3b:e0:00:ff:81:31:fe:45:14" grep -qi "3b:e0:00:ff:81:31:fe:45:14" <<<"$atr"
name=$(opensc-tool --name 2>&1)
check "OpenSC takes the card with its own JPKI driver" grep -qi "jpki" <<<"$name"
certs=$(pkcs15-tool --list-certificates 2>&1)
echo "$certs" | sed 's/^/    /'
# The ID of the certificate OpenSC's JPKI driver finds at EF 000A.
id=$(awk '/^X.509 Certificate/ { id = "" }
	$1 == "ID" { id = $3 }
	$1 == "Path" && $3 == "000a" { path = 1 }
	path && id != "" { print id; exit }' <<<"$certs")
check "pkcs15-tool lists the authentication certificate at 000a" test -n "$id"
if [ -n "$id" ] && pkcs15-tool --read-certificate "$id" >"$work/cert.pem" 2>&1 &&
	openssl x509 -in "$work/cert.pem" -noout -subject 2>/dev/null | grep -q "mncr sim JPKI"; then
	pass "pkcs15-tool reads the JPKI certificate (ID $id)"
else
	fail "pkcs15-tool reads the JPKI certificate" "id '${id}'"
	tail -40 "$work/pcscd.log"
fi
# OpenSC and our own reader of EF 000A (through the same pcscd) agree.
"$MNCR" card --backend pcsc --reader PCSC1 cert --pem >"$work/ours.pem" 2>"$work/ours.err"
# der_sum PEM: the DER's SHA-256, or the file's name when it holds none.
der_sum() {
	local der
	der=$(openssl x509 -in "$1" -outform DER 2>/dev/null | sha256sum)
	openssl x509 -in "$1" -noout 2>/dev/null && echo "$der" || echo "$1"
}
check "OpenSC's certificate is byte for byte the one mncr card cert reads" \
	test "$(der_sum "$work/cert.pem")" = "$(der_sum "$work/ours.pem")"

kill "$pcscd_pid" 2>/dev/null
wait "$pcscd_pid" 2>/dev/null
sim PCSC1 quit >/dev/null
umount /usr/lib/pcsc/drivers
rm -rf "$work"
finish
