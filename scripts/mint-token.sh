#!/usr/bin/env bash
# mint-token.sh — print a signed RS256 JWT for local development and tests (bash + openssl only).
#
#   scripts/mint-token.sh --key DIR/private.pem --sub USER [--iss ISSUER] [--aud AUD] [--ttl SECONDS]
#
#   --key  PKCS#8 or PKCS#1 PEM RSA private key (scripts/dev-keys.sh DIR makes one)
#   --sub  the user id, e.g. "auth0|abc" (becomes the "sub" claim; callers use it URL-encoded in /api/tunnel/{userId})
#   --iss  issuer claim, default https://localbridge.dev/ (must match the gateway's MP_JWT_VERIFY_ISSUER)
#   --aud  audience claim, omitted unless given (needed when the gateway checks one: MP_JWT_VERIFY_AUDIENCES)
#   --ttl  lifetime in seconds, default 3600; a negative value makes an already-expired token (for tests)
#
# Header: {"alg":"RS256","typ":"JWT"}. Claims: sub, iss, aud (if given), iat, exp, jti (random).
# The token goes to stdout with a trailing newline, nothing else.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

key= sub= iss=https://localbridge.dev/ aud= ttl=3600
while [[ $# -gt 0 ]]; do
  case $1 in
    --key) key=${2-}; shift 2 || usage ;;
    --sub) sub=${2-}; shift 2 || usage ;;
    --iss) iss=${2-}; shift 2 || usage ;;
    --aud) aud=${2-}; shift 2 || usage ;;
    --ttl) ttl=${2-}; shift 2 || usage ;;
    -h|--help) usage ;;
    *) echo "mint-token.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[[ -n $key && -n $sub ]] || usage
[[ -r $key ]] || { echo "mint-token.sh: cannot read key $key" >&2; exit 1; }
[[ $ttl =~ ^-?[0-9]+$ ]] || { echo "mint-token.sh: --ttl must be an integer number of seconds" >&2; exit 2; }

# JSON string literal (escapes backslash, quote and control characters).
json_str() {
  local s=$1 out= c i ord
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      '\') out+='\\' ;;
      '"') out+='\"' ;;
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      *) printf -v ord '%d' "'$c"; if ((ord >= 0 && ord < 32)); then printf -v c '\\u%04x' "$ord"; fi; out+=$c ;;
    esac
  done
  printf '"%s"' "$out"
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
exp=$((now + ttl))
jti=$(openssl rand -hex 16)

header='{"alg":"RS256","typ":"JWT"}'
claims="{\"sub\":$(json_str "$sub"),\"iss\":$(json_str "$iss")"
[[ -n $aud ]] && claims+=",\"aud\":$(json_str "$aud")"
claims+=",\"iat\":$now,\"exp\":$exp,\"jti\":\"$jti\"}"

signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$key" -binary | b64url)
[[ -n $signature ]] || { echo "mint-token.sh: signing failed" >&2; exit 1; }
printf '%s.%s\n' "$signing_input" "$signature"
