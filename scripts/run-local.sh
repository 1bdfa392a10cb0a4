#!/usr/bin/env bash
# Runs LocalBridge locally from the packaged jars, as a small cluster: Redis (the running one, or one it starts, or
# session-service's memory store when Redis is not installed), session-service, two gateway replicas, health-service,
# and an agent tunnelling to a local target (Ollama on http://localhost:11434 by default) through replica A.
# It prints a dev token and a ready-to-paste curl that goes through replica B, which does NOT hold the tunnel.
# Ctrl-C stops everything it started.
#
#   scripts/run-local.sh [--target URL] [--user ID] [--port N] [--rebuild]   (jars are rebuilt when missing or stale)
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
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

state=.localbridge
mkdir -p "$state/logs"
gateway_jar=gateway-service/target/quarkus-app/quarkus-run.jar
session_jar=session-service/target/quarkus-app/quarkus-run.jar
health_jar=health-service/target/quarkus-app/quarkus-run.jar
agent_jar=$(ls tunnel-agent/target/tunnel-agent-*-runner.jar 2>/dev/null | head -1 || true)
# A jar older than any source or pom of the tree is stale (e.g. after a git pull): build again.
stale() {
  local jar
  for jar in "$gateway_jar" "$session_jar" "$health_jar" "$agent_jar"; do
    [[ -n $jar && -f $jar ]] || return 0
    [[ -z $(find pom.xml tunnel-protocol tunnel-agent session-service gateway-service health-service \
      -path '*/target' -prune -o -type f -newer "$jar" -print -quit 2>/dev/null) ]] || return 0
  done
  return 1
}
if $rebuild || stale; then
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

# A fresh cluster secret per run: every service signs its cluster calls with it, and session-service and the
# clustered gateways refuse to start without one. It stays in this shell (never written to disk or printed).
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The store: the Redis on 6379 if one answers, else one started here, else the memory store (single node only).
store_env=(TUNNEL_SESSION_STORE=redis REDIS_URL=redis://127.0.0.1:6379)
if port_open 127.0.0.1 6379; then
  store_note="Redis on 127.0.0.1:6379 (already running)"
elif command -v redis-server >/dev/null; then
  redis_port=6390
  redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no >"$state/logs/redis.log" 2>&1 &
  pids+=($!)
  wait_for redis 127.0.0.1 $redis_port "$state/logs/redis.log"
  store_env=(TUNNEL_SESSION_STORE=redis REDIS_URL=redis://127.0.0.1:$redis_port)
  store_note="Redis on 127.0.0.1:$redis_port (started here)"
else
  store_env=(TUNNEL_SESSION_STORE=memory)
  store_note="session-service memory store: redis-server is not installed (fine for this single-host demo)"
fi
echo "store: $store_note"

session_port=8090
env "${store_env[@]}" QUARKUS_HTTP_PORT=$session_port QUARKUS_MANAGEMENT_PORT=9090 TUNNEL_CLUSTER_SECRET="$secret" \
  java -jar "$session_jar" >"$state/logs/session-service.log" 2>&1 &
pids+=($!)
wait_for session-service 127.0.0.1 $session_port "$state/logs/session-service.log"

start_gateway() { # name http-port management-port relay-port
  QUARKUS_HTTP_PORT=$2 QUARKUS_MANAGEMENT_PORT=$3 TUNNEL_NODE_ID=$1 TUNNEL_RELAY_PORT=$4 \
  TUNNEL_RELAY_ADVERTISE_HOST=127.0.0.1 TUNNEL_RELAY_BIND_ADDRESS=127.0.0.1 TUNNEL_SESSION_URL=http://127.0.0.1:$session_port \
  TUNNEL_CLUSTER_SECRET="$secret" TUNNEL_REQUEST_TIMEOUT_ROUTES=/api/chat=300000,/api/generate=300000 \
  MP_JWT_VERIFY_PUBLICKEY_LOCATION="$PWD/$state/keys/public.pem" MP_JWT_VERIFY_ISSUER="$issuer" \
    java -jar "$gateway_jar" >"$state/logs/$1.log" 2>&1 &
  pids+=($!)
}
port_b=$((port + 1))
start_gateway gateway-a "$port" 9000 8082
start_gateway gateway-b "$port_b" 9001 8083
wait_for gateway-a 127.0.0.1 "$port" "$state/logs/gateway-a.log"
wait_for gateway-b 127.0.0.1 "$port_b" "$state/logs/gateway-b.log"

QUARKUS_HTTP_PORT=8091 QUARKUS_MANAGEMENT_PORT=9091 TUNNEL_SESSION_URL=http://127.0.0.1:$session_port \
TUNNEL_CLUSTER_SECRET="$secret" java -jar "$health_jar" >"$state/logs/health-service.log" 2>&1 &
pids+=($!)
wait_for health-service 127.0.0.1 8091 "$state/logs/health-service.log"

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
  store            $store_note
  session-service  http://127.0.0.1:$session_port  (OpenAPI: http://127.0.0.1:9090/q/openapi)
  gateway-a        http://127.0.0.1:$port  (holds the tunnel; management http://127.0.0.1:9000/q/metrics)
  gateway-b        http://127.0.0.1:$port_b  (relays to gateway-a; management http://127.0.0.1:9001/q/metrics)
  health-service   http://127.0.0.1:9091/q/status/  (operator page; public health: http://127.0.0.1:8091/api/tunnel/health)
  agent            tunnel for user $user -> $target, connected to gateway-a

Dev token for $user (valid 24 h, also in $state/token):
$token

Try a streamed chat through gateway-b, which relays to gateway-a (lines arrive as they are produced):
  curl -N -H "Authorization: Bearer \$(cat $state/token)" \\
    http://127.0.0.1:$port_b/api/tunnel/$path_user/api/chat -d '{"model":"llama3","messages":[{"role":"user","content":"hi"}]}'

Press Ctrl-C to stop everything.
MSG
wait
