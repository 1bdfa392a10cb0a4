#!/usr/bin/env bash
# dev-keys.sh DIR — create a throwaway RS256 key pair for local development and tests.
#
#   DIR/private.pem  RSA 2048 private key, PKCS#8 PEM ("BEGIN PRIVATE KEY"), mode 600
#   DIR/public.pem   matching public key, X.509 SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")
#
# Existing keys are kept (idempotent): run it as often as you like. The gateway reads public.pem through
# MP_JWT_VERIFY_PUBLICKEY_LOCATION; scripts/mint-token.sh signs with private.pem.
# Never use these keys outside development.
set -euo pipefail

usage() { echo "usage: $0 DIR" >&2; exit 2; }
[[ $# -eq 1 && $1 != -* ]] || usage
dir=$1
command -v openssl >/dev/null || { echo "dev-keys.sh: openssl not found (apt-get install -y openssl)" >&2; exit 1; }

mkdir -p "$dir"
priv=$dir/private.pem
pub=$dir/public.pem

if [[ ! -s $priv ]]; then
  ( umask 077; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$priv" 2>/dev/null )
  rm -f "$pub"   # a new private key invalidates any old public key
  echo "dev-keys.sh: created $priv" >&2
fi
if [[ ! -s $pub ]]; then
  openssl pkey -in "$priv" -pubout -out "$pub"
  echo "dev-keys.sh: created $pub" >&2
fi
