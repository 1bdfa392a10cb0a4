#!/usr/bin/env bash
# verify-token.sh --key DIR/public.pem TOKEN — check an RS256 JWT the way a gateway would (signature only;
# plus exp), print its header and claims as JSON lines. Exit 0 when valid, 1 otherwise. For tests and debugging.
set -euo pipefail
[[ $# -eq 3 && $1 == --key ]] || { echo "usage: $0 --key public.pem TOKEN" >&2; exit 2; }
pub=$2 token=$3
IFS=. read -r h p s extra <<<"$token"
[[ -n ${h-} && -n ${p-} && -n ${s-} && -z ${extra-} ]] || { echo "invalid: not three dot-separated parts" >&2; exit 1; }
b64url_decode() {
  local x; x=$(printf '%s' "$1" | tr -- '-_' '+/')
  case $(( ${#x} % 4 )) in 2) x+='==' ;; 3) x+='=' ;; 1) return 1 ;; esac
  printf '%s' "$x" | openssl base64 -d -A
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
b64url_decode "$h" >"$tmp/h" && b64url_decode "$p" >"$tmp/p" && b64url_decode "$s" >"$tmp/s" \
  || { echo "invalid: bad base64url" >&2; exit 1; }
cat "$tmp/h"; echo; cat "$tmp/p"; echo
if command -v jq >/dev/null; then
  jq -e '.alg == "RS256" and .typ == "JWT"' "$tmp/h" >/dev/null || { echo "invalid: header is not RS256/JWT" >&2; exit 1; }
  exp=$(jq -e '.exp' "$tmp/p") || { echo "invalid: no exp claim" >&2; exit 1; }
  (( exp > $(date +%s) )) || { echo "invalid: expired" >&2; exit 1; }
fi
printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -verify "$pub" -signature "$tmp/s" >/dev/null 2>&1 \
  || { echo "invalid: signature does not verify" >&2; exit 1; }
echo "valid" >&2
