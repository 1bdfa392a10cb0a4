#!/usr/bin/env bash
# selftest-tokens.sh — checks dev-keys.sh, mint-token.sh and verify-token.sh against each other (openssl only).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi; }
not() { ! "$@"; }

"$here/dev-keys.sh" "$tmp/k" 2>/dev/null
before=$(sha256sum "$tmp/k/private.pem")
"$here/dev-keys.sh" "$tmp/k" 2>/dev/null
check "dev-keys is idempotent" test "$before" = "$(sha256sum "$tmp/k/private.pem")"
check "private key is PKCS#8" grep -q -- '-----BEGIN PRIVATE KEY-----' "$tmp/k/private.pem"
check "public key is SPKI" grep -q -- '-----BEGIN PUBLIC KEY-----' "$tmp/k/public.pem"
check "RSA 2048" sh -c "openssl pkey -in '$tmp/k/private.pem' -noout -text | grep -q '2048 bit'"

tok=$("$here/mint-token.sh" --key "$tmp/k/private.pem" --sub 'auth0|abc' --aud api)
check "token verifies" "$here/verify-token.sh" --key "$tmp/k/public.pem" "$tok"
claims=$("$here/verify-token.sh" --key "$tmp/k/public.pem" "$tok" 2>/dev/null | sed -n 2p)
check "claims" jq -e '.sub == "auth0|abc" and .iss == "https://localbridge.dev/" and .aud == "api" and .exp - .iat == 3600 and (.jti | length) == 32' <<<"$claims"
header=$("$here/verify-token.sh" --key "$tmp/k/public.pem" "$tok" 2>/dev/null | sed -n 1p)
check "header" jq -e '.alg == "RS256" and .typ == "JWT"' <<<"$header"
check "no padding, url-safe" not grep -q '[=+/]' <<<"$tok"
check "tampered payload rejected" not "$here/verify-token.sh" --key "$tmp/k/public.pem" \
  "$(cut -d. -f1 <<<"$tok").$(printf '{"sub":"other"}' | openssl base64 -A | tr '+/' '-_' | tr -d '=').$(cut -d. -f3 <<<"$tok")"
"$here/dev-keys.sh" "$tmp/other" 2>/dev/null
check "other key rejected" not "$here/verify-token.sh" --key "$tmp/other/public.pem" "$tok"
check "expired rejected" not "$here/verify-token.sh" --key "$tmp/k/public.pem" "$("$here/mint-token.sh" --key "$tmp/k/private.pem" --sub u --ttl -5)"
odd=$("$here/mint-token.sh" --key "$tmp/k/private.pem" --sub $'a"b\\c\td' --iss https://issuer.example/ --ttl 60)
odd_claims() { "$here/verify-token.sh" --key "$tmp/k/public.pem" "$odd" 2>/dev/null | sed -n 2p \
  | jq -e --arg sub $'a"b\\c\td' '.sub == $sub and .iss == "https://issuer.example/" and (has("aud") | not)'; }
check "JSON escaping" odd_claims
check "missing --sub is a usage error" not "$here/mint-token.sh" --key "$tmp/k/private.pem"

echo "$pass passed, $fail failed"
((fail == 0))
