#!/usr/bin/env bash
# Runs LocalBridge locally from the packaged jars: a gateway and an agent tunnelling to a local target
# (Ollama on http://localhost:11434 by default), then prints a dev token and a ready-to-paste curl.
# Ctrl-C stops everything it started.
#
#   scripts/run-local.sh [--target URL] [--user ID] [--port N] [--rebuild]
#
# When nothing answers on the target, a small demo Ollama (scripts/demo/DemoOllama.java) is started in its place,
# so the streamed example works on a machine without Ollama.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh

target="http://localhost:11434"
user="auth0|dev-user"
port=8080
rebuild=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --rebuild) rebuild=true; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

state=.localbridge
mkdir -p "$state/logs"
gateway_jar=gateway-service/target/quarkus-app/quarkus-run.jar
agent_jar=$(ls tunnel-agent/target/tunnel-agent-*-runner.jar 2>/dev/null | head -1 || true)
if $rebuild || [[ ! -f $gateway_jar || -z $agent_jar ]]; then
  echo "building the jars (./mvnw package -DskipTests)…"
  ./mvnw -q -B package -DskipTests
  agent_jar=$(ls tunnel-agent/target/tunnel-agent-*-runner.jar | head -1)
fi

pids=()
cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # name host port log
  for _ in $(seq 1 150); do port_open "$2" "$3" && return 0; sleep 0.2; done
  echo "$1 did not start; its log: $4" >&2; tail -20 "$4" >&2; exit 1
}

scripts/dev-keys.sh "$state/keys" 2>/dev/null
issuer="https://localbridge.dev/"

target_host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$target")
target_port=$(sed -E 's#^[a-z]+://[^/:]+:?([0-9]*).*#\1#' <<<"$target"); target_port=${target_port:-80}
if ! port_open "$target_host" "$target_port"; then
  echo "nothing answers on $target: starting the demo Ollama there (scripts/demo/DemoOllama.java)"
  java scripts/demo/DemoOllama.java "$target_port" >"$state/logs/demo-ollama.log" 2>&1 &
  pids+=($!)
  wait_for "demo Ollama" "$target_host" "$target_port" "$state/logs/demo-ollama.log"
fi

QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 920)) TUNNEL_NODE_ID=gateway-a \
MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/$state/keys/public.pem" MP_JWT_VERIFY_ISSUER="$issuer" \
  java -jar "$gateway_jar" >"$state/logs/gateway-a.log" 2>&1 &
pids+=($!)
wait_for gateway 127.0.0.1 "$port" "$state/logs/gateway-a.log"

token=$(scripts/mint-token.sh --key "$state/keys/private.pem" --sub "$user" --iss "$issuer" --ttl 86400)
printf '%s' "$token" >"$state/token"
java -jar "$agent_jar" --gateway "http://127.0.0.1:$port" --token-file "$state/token" --target "$target" \
  >"$state/logs/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "tunnel up" "$state/logs/agent.log" && break; sleep 0.2; done
grep -q "tunnel up" "$state/logs/agent.log" || { echo "the agent did not connect:" >&2; tail "$state/logs/agent.log" >&2; exit 1; }

path_user=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$user" 2>/dev/null \
  || sed 's/|/%7C/g' <<<"$user")
cat <<MSG

LocalBridge is running (logs in $state/logs):
  gateway   http://127.0.0.1:$port   (management: http://127.0.0.1:$((port + 920))/q/health, /q/metrics)
  agent     tunnel for user $user -> $target

Dev token for $user (valid 24 h, also in $state/token):
$token

Try a streamed chat through the tunnel (lines arrive as they are produced):
  curl -N -H "Authorization: Bearer \$(cat $state/token)" \\
    http://127.0.0.1:$port/api/tunnel/$path_user/api/chat -d '{"model":"llama3","messages":[{"role":"user","content":"hi"}]}'

Press Ctrl-C to stop everything.
MSG
wait
