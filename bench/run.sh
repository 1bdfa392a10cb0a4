#!/usr/bin/env bash
# LocalBridge benchmark: direct vs one nginx proxy hop vs OpenSSH reverse tunnel (ssh -R) vs LocalBridge,
# all against the same local nginx upstream, in ONE run; plus the relay leg (two gateways + session-service:
# extra latency of a relayed request, session-service calls per request) and the idle leg (many idle tunnels on one
# gateway: heap per tunnel, keepalive). See bench/README.md for each figure.
#
#   bench/run.sh [--quick] [--legs direct,nginx,ssh,localbridge,relay,idle] [--build] [--keep]
#
#   --quick   short runs (3 s instead of 10 s) for trying the harness; figures are then only indicative
#   --legs    comma-separated subset of legs to run (default: all six)
#   --build   build the gateway, session-service and agent jars (./mvnw package -DskipTests) when missing
#   --keep    keep the run directory (logs, configs) even when everything went fine
#
# Tunables (environment): BENCH_RATE (1000 req/s), BENCH_LATENCY_SECS (10), BENCH_WRK_SECS (10),
# BENCH_WRK_CONNS (32), BENCH_WRK_THREADS (2), BENCH_DOWNLOAD_TRIES (3), BENCH_DOWNLOAD_WARMUP (5),
# BENCH_CONNECT_COUNT (50), BENCH_IDLE_TUNNELS (50000, capped 500 below the open-files limit), BENCH_IDLE_HOLD_SECS (30),
# BENCH_IDLE_PING_MS (2000),
# BENCH_JIT_WARMUP_SECS (10, also with --quick), BENCH_REDIS_URL (redis://127.0.0.1:6379),
# LB_GATEWAY_JAR, LB_AGENT_JAR, LB_SESSION_JAR, LB_JAVA_OPTS (extra JVM flags for gateways, agent, session-service).
#
# Not part of ./mvnw verify. Needs root for apt-get (only when nginx/wrk/sshd are missing).
# Everything it starts is stopped on exit, including Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
TS=$(date +%Y%m%d-%H%M%S)
OUT=$BENCH/out
RUN=$OUT/run-$TS
RESULTS=$OUT/results-$TS.md

RATE=${BENCH_RATE:-1000}
LAT_SECS=${BENCH_LATENCY_SECS:-10}
LAT_WARMUP=2
WRK_SECS=${BENCH_WRK_SECS:-10}
WRK_WARMUP=2
WRK_CONNS=${BENCH_WRK_CONNS:-32}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
DL_TRIES=${BENCH_DOWNLOAD_TRIES:-3}
# Discarded downloads before the measured ones: the JVM legs compile their download path only when it runs (the
# small-request JIT warm-up does not exercise it); applied to every leg alike.
DL_WARMUP=${BENCH_DOWNLOAD_WARMUP:-5}
CONNECT_N=${BENCH_CONNECT_COUNT:-50}
JIT_WARMUP=${BENCH_JIT_WARMUP_SECS:-10}   # discarded wrk load before every LocalBridge / relay measurement
REDIS_URL_BENCH=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
BIG_BYTES=$((100 * 1024 * 1024))
# idle leg: tunnels held open on one gateway; each needs a file descriptor in the gateway (and one in the tool)
IDLE_N=${BENCH_IDLE_TUNNELS:-50000}
IDLE_HOLD=${BENCH_IDLE_HOLD_SECS:-30}
IDLE_PING_MS=${BENCH_IDLE_PING_MS:-2000}
LEGS=direct,nginx,ssh,localbridge,relay,idle
BUILD=0
KEEP=0
QUICK=0

GW_JAR=${LB_GATEWAY_JAR:-$ROOT/gateway-service/target/quarkus-app/quarkus-run.jar}
AGENT_JAR=${LB_AGENT_JAR:-$ROOT/tunnel-agent/target/tunnel-agent-0.1.0-SNAPSHOT-runner.jar}
SESSION_JAR=${LB_SESSION_JAR:-$ROOT/session-service/target/quarkus-app/quarkus-run.jar}
REDIS_PREFIX="lbbench:$TS:$$:"   # every Redis key of the relay leg; removed at the end (never touches other keys)
LB_ISSUER=https://localbridge.dev/
LB_USER='bench|user1'          # owns the agent's tunnel; requests go to /api/tunnel/bench%7Cuser1/...
LB_USER_ENC='bench%7Cuser1'
LB_CONNECT_USER='bench|connect' # separate user for the tunnel-establishment test

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1; LAT_SECS=3; WRK_SECS=3; LAT_WARMUP=1; WRK_WARMUP=1; CONNECT_N=20
             IDLE_N=${BENCH_IDLE_TUNNELS:-2000}; IDLE_HOLD=${BENCH_IDLE_HOLD_SECS:-15}; shift ;;
    --legs) LEGS=${2:?--legs needs a value}; shift 2 ;;
    --build) BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
want() { [[ ",$LEGS," == *",$1,"* ]]; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# processes we start, stopped in reverse order on exit
PIDS=()
PNAMES=()
start_bg() { # start_bg NAME CMD... — output to $RUN/NAME.log
  local name=$1; shift
  "$@" >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
  PNAMES+=("$name")
  log "started $name (pid $!)"
}
stop_one() { # stop_one INDEX
  local pid=${PIDS[$1]} name=${PNAMES[$1]} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop on TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
stop_by_name() { # stop_by_name NAME — stop one process we started, before the end of the run
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do [[ ${PNAMES[$i]} == "$1" ]] && stop_one "$i"; done
  return 0
}
alive() { # alive NAME — is the process we started under NAME still running?
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do [[ ${PNAMES[$i]} == "$1" ]] && { kill -0 "${PIDS[$i]}" 2>/dev/null; return; }; done
  return 1
}
REDIS_USED=0
redis_cleanup() { # remove the relay leg's keys (only those under our unique prefix) from the shared Redis
  ((REDIS_USED)) && command -v redis-cli >/dev/null || return 0
  REDIS_USED=0
  local n
  n=$(redis-cli -u "$REDIS_URL_BENCH" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null \
      | xargs -r -n 100 redis-cli -u "$REDIS_URL_BENCH" del 2>/dev/null | awk '{ s += $1 } END { print s + 0 }') || true
  log "removed ${n:-0} Redis keys under $REDIS_PREFIX"
}
CLEANED=0
cleanup() {
  local rc=$?
  ((CLEANED)) && return
  CLEANED=1
  trap - INT TERM
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_one "$i"; done
  rm -f "$RUN/www/big.bin" 2>/dev/null || true
  redis_cleanup
  if [[ -d $RUN ]]; then
    if ((rc == 0 && KEEP == 0)); then rm -rf "$RUN"; else log "logs and configs kept in $RUN"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
# free ports: random in 20000-59999 (below the ephemeral range), not listening, not handed out before in this run
declare -A USED_PORTS=()
port_in_use() {
  if command -v ss >/dev/null; then
    ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
# Below the kernel's ephemeral range when there is room (an outgoing connection's source port can otherwise take a
# port between our check and the bind).
PORT_LO=20000 PORT_HI=59999
if read -r _eph_lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && ((_eph_lo - 1 - PORT_LO >= 5000)); then
  PORT_HI=$((_eph_lo - 1))
fi
free_port() { # free_port VAR
  local p
  while :; do
    p=$((PORT_LO + RANDOM % (PORT_HI - PORT_LO + 1)))
    [[ -z ${USED_PORTS[$p]-} ]] || continue
    port_in_use "$p" && continue
    USED_PORTS[$p]=1
    printf -v "$1" '%s' "$p"
    return
  done
}
wait_status() { # wait_status URL STATUS TIMEOUT_S [curl args...]: until URL answers STATUS
  local url=$1 want=$2 timeout=$3 code= deadline; shift 3
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$@" "$url" || true)
    [[ $code == "$want" ]] && return 0
    sleep 0.2
  done
  log "timed out waiting for $want from $url (last: ${code:-none})"
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx)
  command -v wrk >/dev/null || missing+=(wrk)
  [[ -x /usr/sbin/sshd ]] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || missing+=(openssh-server openssh-client)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ss >/dev/null || missing+=(iproute2)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    [[ $(id -u) == 0 ]] || die "need root to apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >"$OUT/apt-$TS.log" 2>&1 \
      || { apt-get update -q >>"$OUT/apt-$TS.log" 2>&1 && apt-get install -y -q "${missing[@]}" >>"$OUT/apt-$TS.log" 2>&1; } \
      || die "apt-get install failed, see $OUT/apt-$TS.log"
  fi
  if [[ -z ${JAVA_HOME-} && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
  JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
  command -v "$JAVA" >/dev/null || die "no java (set JAVA_HOME)"
}

build_tool() {
  TOOL=$BENCH/target/localbridge-bench.jar
  if [[ ! -f $TOOL ]] || [[ -n $(find "$BENCH/src" "$BENCH/pom.xml" -newer "$TOOL" -print -quit) ]]; then
    log "building the load tool (bench/pom.xml)"
    "$ROOT/mvnw" -q -f "$BENCH/pom.xml" package -DskipTests >"$RUN/build-tool.log" 2>&1 \
      || { cat "$RUN/build-tool.log" >&2; die "building bench/ failed"; }
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# the upstream (origin) and the proxy hop: one nginx, two server blocks
start_nginx() {
  free_port ORIGIN_PORT
  free_port PROXY_PORT
  mkdir -p "$RUN/www" "$RUN/nginx-tmp"
  printf '{"model":"llama3","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Hello from the upstream."},"done":true}\n' \
    >"$RUN/www/small.json"
  head -c "$BIG_BYTES" /dev/zero >"$RUN/www/big.bin"
  local user_line=
  [[ $(id -u) == 0 ]] && user_line='user root root;'
  cat >"$RUN/nginx.conf" <<EOF
$user_line
worker_processes auto;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 300s;
  keepalive_requests 100000000;
  types { application/json json; application/octet-stream bin; }
  default_type application/octet-stream;
  client_body_temp_path $RUN/nginx-tmp/body;
  proxy_temp_path $RUN/nginx-tmp/proxy;
  fastcgi_temp_path $RUN/nginx-tmp/fastcgi;
  uwsgi_temp_path $RUN/nginx-tmp/uwsgi;
  scgi_temp_path $RUN/nginx-tmp/scgi;

  # origin: the upstream every leg reaches
  server {
    listen 127.0.0.1:$ORIGIN_PORT;
    root $RUN/www;
  }

  # one reverse-proxy hop in front of the origin (keep-alive to the origin, no disk buffering)
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive 64;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 64k;
      proxy_buffers 16 64k;
      proxy_max_temp_file_size 0;
    }
  }
}
EOF
  nginx -t -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" >"$RUN/nginx-test.log" 2>&1 \
    || { cat "$RUN/nginx-test.log" >&2; die "nginx config test failed"; }
  start_bg nginx nginx -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" -g 'daemon off;'
  wait_status "http://127.0.0.1:$ORIGIN_PORT/small.json" 200 10 || die "nginx origin did not come up"
  wait_status "http://127.0.0.1:$PROXY_PORT/small.json" 200 10 || die "nginx proxy did not come up"
}

# OpenSSH reverse tunnel: a private sshd on a free port; `ssh -R` exposes the origin on a port of that sshd
start_ssh_tunnel() {
  free_port SSHD_PORT
  free_port SSH_FWD_PORT
  local d=$RUN/ssh me
  me=$(id -un)
  mkdir -p "$d" && chmod 700 "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519" -C bench-host
  ssh-keygen -q -t ed25519 -N '' -f "$d/client_ed25519" -C bench-client
  cp "$d/client_ed25519.pub" "$d/authorized_keys"
  mkdir -p /run/sshd 2>/dev/null || true
  cat >"$d/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowTcpForwarding yes
AllowUsers $me
LogLevel ERROR
EOF
  start_bg sshd /usr/sbin/sshd -D -e -f "$d/sshd_config"
  local i
  for ((i = 0; i < 50; i++)); do port_in_use "$SSHD_PORT" && break; sleep 0.1; done
  start_bg ssh-R ssh -N -T -F /dev/null -p "$SSHD_PORT" -i "$d/client_ed25519" \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ExitOnForwardFailure=yes \
    -o LogLevel=ERROR -R "127.0.0.1:$SSH_FWD_PORT:127.0.0.1:$ORIGIN_PORT" "$me@127.0.0.1"
  wait_status "http://127.0.0.1:$SSH_FWD_PORT/small.json" 200 15 \
    || { cat "$RUN/sshd.log" "$RUN/ssh-R.log" >&2; die "ssh -R tunnel did not come up"; }
}

# The LocalBridge jars: built when missing and --build is given, then COPIED into the run directory, so that a
# colleague's rebuild of target/ during the run cannot pull them away (a Quarkus fast-jar is the whole quarkus-app/).
lb_jars() {
  if [[ ! -f $GW_JAR || ! -f $AGENT_JAR || ! -f $SESSION_JAR ]] && ((BUILD)); then
    log "building session-service, gateway-service and tunnel-agent (./mvnw -o package -DskipTests)"
    (cd "$ROOT" && ./mvnw -q -o -DskipTests package -pl session-service,gateway-service,tunnel-agent -am) \
      >"$RUN/build-lb.log" 2>&1 || log "build failed, see $RUN/build-lb.log"
  fi
  GW_JAR=$(snapshot_app gateway "$GW_JAR")
  SESSION_JAR=$(snapshot_app session-service "$SESSION_JAR")
  AGENT_JAR=$(snapshot_app agent "$AGENT_JAR")
}
snapshot_app() { # snapshot_app NAME JAR — prints the path of the copy (or JAR itself when it is missing)
  local name=$1 jar=$2 dest=$RUN/apps/$1 try
  [[ -f $jar ]] || { echo "$jar"; return; }
  for ((try = 1; try <= 30; try++)); do
    rm -rf "$dest"; mkdir -p "$dest"
    if [[ $(basename "$jar") == quarkus-run.jar ]]; then
      cp -r "$(dirname "$jar")/." "$dest/" 2>/dev/null && [[ -f $dest/quarkus-run.jar && -f $dest/quarkus/quarkus-application.dat ]] \
        && { echo "$dest/quarkus-run.jar"; return; }
    else
      cp "$jar" "$dest/" 2>/dev/null \
        && { ! command -v unzip >/dev/null || unzip -tq "$dest/$(basename "$jar")" >/dev/null 2>&1; } \
        && { echo "$dest/$(basename "$jar")"; return; }
    fi
    log "$name: $jar is being rebuilt, waiting for a complete copy ($try/30)"
    sleep 2
  done
  echo "$jar"
}

# key pair and JWTs, shared by the localbridge and relay legs (made once)
lb_keys() {
  [[ -f $RUN/caller.jwt ]] && return 0
  "$ROOT/scripts/dev-keys.sh" "$RUN/keys" 2>/dev/null
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/agent.jwt"
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/caller.jwt"
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_CONNECT_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/connect.jwt"
  chmod 600 "$RUN"/*.jwt
  CALLER_JWT=$(<"$RUN/caller.jwt")
}

start_gateway() { # start_gateway NAME PORT MGMT_PORT [VAR=value...] — a gateway on 127.0.0.1 taking the run's JWTs
  local name=$1 port=$2 mgmt=$3; shift 3
  # shellcheck disable=SC2086
  start_bg "$name" env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" QUARKUS_MANAGEMENT_PORT="$mgmt" \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION="$RUN/keys/public.pem" MP_JWT_VERIFY_ISSUER="$LB_ISSUER" "$@" \
    "$JAVA" ${LB_JAVA_OPTS-} -jar "$GW_JAR"
}

# LocalBridge: one gateway (standalone, no session-service) + one agent whose target is the same origin
LB_SKIP_REASON=
start_localbridge() {
  [[ -f $GW_JAR ]] || { LB_SKIP_REASON="gateway jar missing ($GW_JAR); build it or pass --build"; return 1; }
  [[ -f $AGENT_JAR ]] || { LB_SKIP_REASON="agent jar missing ($AGENT_JAR); build it or pass --build"; return 1; }
  lb_keys

  free_port GW_PORT
  free_port GW_MGMT_PORT
  # rate and connection limits lifted so that the load itself is measured, not the limiter
  start_gateway gateway "$GW_PORT" "$GW_MGMT_PORT" \
    TUNNEL_RATE_LIMIT_MAX_REQUESTS=1000000000 TUNNEL_MAX_CONNECTIONS_PER_USER=100
  LB_SMALL=http://127.0.0.1:$GW_PORT/api/tunnel/$LB_USER_ENC/small.json
  LB_BIG=http://127.0.0.1:$GW_PORT/api/tunnel/$LB_USER_ENC/big.bin
  local code= deadline=$((SECONDS + 90))
  while code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' -H "Authorization: Bearer $CALLER_JWT" "$LB_SMALL" || true)
        [[ $code == 000 || -z $code ]]; do
    alive gateway || { tail -30 "$RUN/gateway.log" >&2; LB_SKIP_REASON="gateway exited at start-up, see its log"; return 1; }
    ((SECONDS < deadline)) || { LB_SKIP_REASON="gateway not listening on $GW_PORT after 90 s"; return 1; }
    sleep 0.2
  done
  # before the agent connects the gateway should say 503 DESKTOP_CLIENT_DISCONNECTED
  [[ $code == 503 ]] || log "WARNING: gateway answered $code (expected 503 before the tunnel is up) on $LB_SMALL"

  # shellcheck disable=SC2086
  start_bg agent "$JAVA" ${LB_JAVA_OPTS-} -jar "$AGENT_JAR" \
    --gateway "ws://127.0.0.1:$GW_PORT" --token-file "$RUN/agent.jwt" --target "http://127.0.0.1:$ORIGIN_PORT"
  local deadline=$((SECONDS + 60))
  until grep -Eq '(^|[[:space:]])tunnel up:' "$RUN/agent.log" 2>/dev/null; do
    alive agent || { tail -30 "$RUN/agent.log" >&2; LB_SKIP_REASON="agent exited before 'tunnel up:'"; return 1; }
    ((SECONDS < deadline)) || { tail -30 "$RUN/agent.log" >&2; LB_SKIP_REASON="agent printed no 'tunnel up:' line"; return 1; }
    sleep 0.2
  done
  log "agent: $(grep -Em1 '(^|[[:space:]])tunnel up:' "$RUN/agent.log")"
  wait_status "$LB_SMALL" 200 30 -H "Authorization: Bearer $CALLER_JWT" \
    || { LB_SKIP_REASON="gateway did not route to the tunnel (no 200 on $LB_SMALL)"; return 1; }
}

# Ports are picked free, but another process (a colleague's test) may take one before our JVM binds it: a cluster
# process that exits with "Address already in use" is started again on fresh ports (at most 3 times).
launch_session_service() {
  free_port SS_PORT; free_port SS_MGMT_PORT
  # shellcheck disable=SC2086
  start_bg session-service env \
    TUNNEL_SESSION_STORE=redis REDIS_URL="$REDIS_URL_BENCH" TUNNEL_REDIS_KEY_PREFIX="$REDIS_PREFIX" \
    TUNNEL_CLUSTER_SECRET="$SECRET" \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$SS_PORT" QUARKUS_MANAGEMENT_PORT="$SS_MGMT_PORT" \
    TUNNEL_RATE_LIMIT_MAX_REQUESTS=100000000 TUNNEL_MAX_CONNECTIONS_PER_USER=100 \
    "$JAVA" ${LB_JAVA_OPTS-} -jar "$SESSION_JAR"
}
launch_gateway() { # a|b
  local n=$1 N=${1^^} port mgmt relay
  free_port port; free_port mgmt; free_port relay
  printf -v "G${N}_PORT" '%s' "$port"
  printf -v "G${N}_MGMT_PORT" '%s' "$mgmt"
  printf -v "G${N}_RELAY_PORT" '%s' "$relay"
  start_gateway "gateway-$n" "$port" "$mgmt" \
    TUNNEL_NODE_ID="bench-$n" TUNNEL_RELAY_PORT="$relay" TUNNEL_RELAY_ADVERTISE_HOST=127.0.0.1 \
    TUNNEL_SESSION_URL="http://127.0.0.1:$SS_PORT" TUNNEL_CLUSTER_SECRET="$SECRET" \
    TUNNEL_RATE_LIMIT_MAX_REQUESTS=100000000 TUNNEL_MAX_CONNECTIONS_PER_USER=100
}
await_ready() { # NAME MGMT_PORT_VAR RELAUNCH_CMD — until /q/health/ready answers 200 on the management port
  local name=$1 var=$2 relaunch=$3 try=1
  until [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:${!var}/q/health/ready" || true) == 200 ]]; do
    if ! alive "$name"; then
      if ((try < 3)) && grep -q 'Address already in use' "$RUN/$name.log"; then
        cp "$RUN/$name.log" "$RUN/$name.log.bind-failure-$try"
        log "$name: a port was taken meanwhile (Address already in use), starting it again on other ports"
        try=$((try + 1))
        $relaunch
        continue
      fi
      tail -30 "$RUN/$name.log" >&2
      RELAY_SKIP_REASON="$name exited at start-up, see $name.log"
      return 1
    fi
    ((SECONDS < RELAY_DEADLINE)) || { RELAY_SKIP_REASON="$name not ready after 120 s (Redis $REDIS_URL_BENCH?)"; return 1; }
    sleep 0.2
  done
}

# The relay leg: session-service (Redis, keys under $REDIS_PREFIX) + gateway A (holds the agent's tunnel) + gateway B
# (relays to A), the cluster wiring of scripts/run-local.sh. Limits lifted on all three (the rate limiter still takes
# token batches from session-service, operation="tokens"; they are counted and reported, not hidden).
RELAY_SKIP_REASON=
start_relay() {
  local jar
  for jar in "$GW_JAR" "$AGENT_JAR" "$SESSION_JAR"; do
    [[ -f $jar ]] || { RELAY_SKIP_REASON="jar missing ($jar); build it or pass --build"; return 1; }
  done
  if ! redis-cli -u "$REDIS_URL_BENCH" ping 2>/dev/null | grep -q PONG; then
    if command -v redis-cli >/dev/null; then RELAY_SKIP_REASON="no Redis answering on $REDIS_URL_BENCH (BENCH_REDIS_URL)"; return 1; fi
    log "redis-cli not installed: cannot check $REDIS_URL_BENCH beforehand nor remove the keys under $REDIS_PREFIX afterwards"
  fi
  lb_keys
  SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  REDIS_USED=1
  RELAY_DEADLINE=$((SECONDS + 120))
  launch_session_service
  await_ready session-service SS_MGMT_PORT launch_session_service || return 1
  launch_gateway a
  launch_gateway b
  await_ready gateway-a GA_MGMT_PORT "launch_gateway a" || return 1
  await_ready gateway-b GB_MGMT_PORT "launch_gateway b" || return 1
  RA_SMALL=http://127.0.0.1:$GA_PORT/api/tunnel/$LB_USER_ENC/small.json
  RB_SMALL=http://127.0.0.1:$GB_PORT/api/tunnel/$LB_USER_ENC/small.json
  local deadline
  # shellcheck disable=SC2086
  start_bg relay-agent "$JAVA" ${LB_JAVA_OPTS-} -jar "$AGENT_JAR" \
    --gateway "ws://127.0.0.1:$GA_PORT" --token-file "$RUN/agent.jwt" --target "http://127.0.0.1:$ORIGIN_PORT"
  deadline=$((SECONDS + 60))
  until grep -Eq '(^|[[:space:]])tunnel up:' "$RUN/relay-agent.log" 2>/dev/null; do
    alive relay-agent || { tail -30 "$RUN/relay-agent.log" >&2; RELAY_SKIP_REASON="agent exited before 'tunnel up:'"; return 1; }
    ((SECONDS < deadline)) || { tail -30 "$RUN/relay-agent.log" >&2; RELAY_SKIP_REASON="agent printed no 'tunnel up:' line"; return 1; }
    sleep 0.2
  done
  log "relay agent (on gateway A): $(grep -Em1 '(^|[[:space:]])tunnel up:' "$RUN/relay-agent.log")"
  wait_status "$RA_SMALL" 200 30 -H "Authorization: Bearer $CALLER_JWT" \
    || { RELAY_SKIP_REASON="gateway A did not route to its tunnel (no 200 on $RA_SMALL)"; return 1; }
  wait_status "$RB_SMALL" 200 30 -H "Authorization: Bearer $CALLER_JWT" \
    || { RELAY_SKIP_REASON="gateway B did not relay to A (no 200 on $RB_SMALL)"; return 1; }
  local holder
  holder=$(redis-cli -u "$REDIS_URL_BENCH" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null | wc -l || true)
  log "cluster up: session-service :$SS_PORT, gateway A :$GA_PORT (relay :$GA_RELAY_PORT), gateway B :$GB_PORT (relay :$GB_RELAY_PORT); ${holder:-?} Redis keys under $REDIS_PREFIX"
}

# ---------------------------------------------------------------------------------------------------------------
# measurements; results go to R[leg.figure]
declare -A R=()
declare -A NOTE=()
kv() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1"; }

measure_latency() { # LEG URL [TOKEN_FILE]
  local leg=$1 url=$2 tf=${3-} line args=()
  [[ -n $tf ]] && args=(--token-file "$tf")
  log "$leg: latency, 1 connection, $RATE req/s for ${LAT_SECS}s (+${LAT_WARMUP}s warm-up)"
  line=$("$JAVA" -jar "$TOOL" latency --url "$url" --rate "$RATE" --duration "$LAT_SECS" --warmup "$LAT_WARMUP" "${args[@]}" \
    2> >(tee "$RUN/$leg-latency.log" >&2) | grep '^RESULT' || true)
  R[$leg.p50]=$(kv "$line" p50_us)
  R[$leg.p99]=$(kv "$line" p99_us)
  local errors rate conns
  errors=$(kv "$line" errors) rate=$(kv "$line" rate) conns=$(kv "$line" connections)
  [[ -n $line ]] || NOTE[$leg.lat]="latency run failed"
  [[ ${errors:-0} == 0 ]] || NOTE[$leg.lat]="$errors failed requests"
  [[ ${conns:-1} == 1 ]] || NOTE[$leg.lat]+=" ${conns} connections used"
  [[ $(kv "$line" unsent) == 0 || -z $line ]] || NOTE[$leg.lat]+=" gave up: $(kv "$line" unsent) requests not sent in time"
  if [[ -n $rate ]] && awk -v r="$rate" -v t="$RATE" 'BEGIN { exit !(r < 0.95 * t) }'; then
    NOTE[$leg.lat]+=" achieved only $rate req/s"
  fi
}

measure_wrk() { # LEG URL [BEARER]
  local leg=$1 url=$2 bearer=${3-} args=() out rps non2xx sockerr
  [[ -n $bearer ]] && args=(-H "Authorization: Bearer $bearer")
  log "$leg: throughput, wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_SECS}s (+${WRK_WARMUP}s warm-up)"
  wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_WARMUP}s" "${args[@]}" "$url" >/dev/null 2>&1 || true
  out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_SECS}s" --latency "${args[@]}" "$url" 2>&1 || true)
  printf '%s\n' "$out" >"$RUN/$leg-wrk.log"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  sockerr=$(grep -o 'Socket errors:.*' <<<"$out" || true)
  R[$leg.rps]=$rps
  [[ -n $rps ]] || NOTE[$leg.rps]="wrk failed: $(tail -1 <<<"$out")"
  if [[ -n $non2xx ]]; then
    # which statuses? a 1 s diagnostic run with a Lua status counter (not part of the figure)
    local diag
    diag=$(wrk -t1 -c"$WRK_CONNS" -d1s -s "$BENCH/status-count.lua" "${args[@]}" "$url" 2>&1 | grep '^status' | sort | tr '\n' ' ' || true)
    printf 'diagnostic run: %s\n' "$diag" >>"$RUN/$leg-wrk.log"
    NOTE[$leg.rps]="$non2xx non-2xx responses (diagnostic: ${diag% })"
  fi
  [[ -z $sockerr ]] || NOTE[$leg.rps]+=" $sockerr"
  log "$leg: ${rps:-?} req/s ${NOTE[$leg.rps]-}"
}

measure_download() { # LEG URL [BEARER]
  local leg=$1 url=$2 bearer=${3-} args=() i res code size speed best=
  [[ -n $bearer ]] && args=(-H "Authorization: Bearer $bearer")
  log "$leg: one 100 MiB download, best of $DL_TRIES (after $DL_WARMUP discarded)"
  for ((i = 1; i <= DL_WARMUP; i++)); do
    curl -s -o /dev/null -m 60 "${args[@]}" "$url" || true
  done
  for ((i = 1; i <= DL_TRIES; i++)); do
    res=$(curl -s -o /dev/null -m 60 -w '%{http_code} %{size_download} %{speed_download}' "${args[@]}" "$url" || true)
    read -r code size speed <<<"$res"
    echo "try $i: status=$code bytes=$size bytes_per_s=$speed" >>"$RUN/$leg-download.log"
    if [[ $code == 200 && $size == "$BIG_BYTES" ]]; then
      speed=$(awk -v s="$speed" 'BEGIN { printf "%.0f", s / 1e6 }')
      if [[ -z $best ]] || ((speed > best)); then best=$speed; fi
    else
      NOTE[$leg.dl]="try $i: status $code, $size bytes"
      break # a failed or timed-out (60 s) download: do not spend minutes on more tries
    fi
  done
  R[$leg.mbps]=$best
  log "$leg: ${best:-?} MB/s"
}

measure_connect() { # LEG WS_URL TOKEN_FILE
  local leg=$1 url=$2 tf=$3 line errors
  log "$leg: tunnel establishment, $CONNECT_N sequential WebSocket opens"
  line=$("$JAVA" -jar "$TOOL" connect --url "$url" --token-file "$tf" --count "$CONNECT_N" --warmup 5 \
    2> >(tee "$RUN/$leg-connect.log" >&2) | grep '^RESULT' || true)
  R[$leg.conn_p50]=$(kv "$line" p50_us)
  R[$leg.conn_p99]=$(kv "$line" p99_us)
  errors=$(kv "$line" errors)
  [[ -n $line ]] || NOTE[$leg.conn]="connect run failed"
  [[ ${errors:-0} == 0 ]] || NOTE[$leg.conn]="$errors failed opens"
  [[ $(kv "$line" wrong_subprotocol) == 0 ]] || NOTE[$leg.conn]+=" subprotocol not selected"
}

measure_leg() { # LEG SMALL_URL BIG_URL [BEARER TOKEN_FILE]
  measure_latency "$1" "$2" "${5-}"
  measure_wrk "$1" "$2" "${4-}"
  measure_download "$1" "$3" "${4-}"
}

jit_warmup() { # LEG URL BEARER — discarded wrk load so that the JVMs (gateways, agent) have JIT-compiled the hot path
  local leg=$1 url=$2 bearer=$3 out rps non2xx
  log "$leg: JIT warm-up, wrk -t$WRK_THREADS -c$WRK_CONNS -d${JIT_WARMUP}s (discarded)"
  out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${JIT_WARMUP}s" -H "Authorization: Bearer $bearer" "$url" 2>&1 || true)
  printf '%s\n' "$out" >"$RUN/$leg-jit-warmup.log"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  log "$leg: warm-up done, ${rps:-?} req/s${non2xx:+, WARNING: $non2xx non-2xx responses}"
}

# Idle tunnels: one standalone gateway with the default per-user limit, the tool opens IDLE_N tunnels (one user and
# one freshly minted JWT each), answers the gateway's pings, and holds them. Heap figures are taken after a full GC
# (jcmd GC.run) before and after the opens; the CPU figure over 10 s of the hold.
IDLE_SKIP_REASON=
heap_used_kib() { # heap_used_kib PID — used heap after a full GC, in KiB
  "$JCMD" "$1" GC.run >/dev/null 2>&1 || return 1
  "$JCMD" "$1" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -1
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure_idle() {
  [[ -f $GW_JAR ]] || { IDLE_SKIP_REASON="gateway jar missing ($GW_JAR); build it or pass --build"; return 1; }
  JCMD=$(dirname "$(command -v "$JAVA")")/jcmd
  [[ -x $JCMD ]] || { IDLE_SKIP_REASON="no jcmd next to $JAVA (a JDK is needed, not a JRE)"; return 1; }
  lb_keys
  local limit; limit=$(ulimit -n)
  if [[ $limit != unlimited ]] && ((IDLE_N > limit - 500)); then
    IDLE_CAPPED="$IDLE_N asked, open-files limit $limit (ulimit -Hn $(ulimit -Hn))"
    IDLE_N=$((limit - 500))
    log "idle: capped at $IDLE_N tunnels ($IDLE_CAPPED)"
  fi
  free_port IDLE_PORT
  free_port IDLE_MGMT_PORT
  start_gateway idle-gateway "$IDLE_PORT" "$IDLE_MGMT_PORT" TUNNEL_PING_INTERVAL="$IDLE_PING_MS"
  local pid=${PIDS[-1]} url=ws://127.0.0.1:$IDLE_PORT/ws/tunnel line
  wait_status "http://127.0.0.1:$IDLE_MGMT_PORT/q/health/ready" 200 90 \
    || { IDLE_SKIP_REASON="idle gateway not ready after 90 s"; return 1; }
  # the upgrade path used once before the baseline (classes, caches, first JWT): 20 opens and closes
  "$JAVA" -jar "$TOOL" connect --url "$url" --token-file "$RUN/connect.jwt" --count 20 --warmup 0 >/dev/null 2>&1 || true
  local heap0 rss0 heap1 rss1 open_gauge end_gauge t0 t1 tool_pid
  heap0=$(heap_used_kib "$pid") rss0=$(rss_kib "$pid")
  log "idle: $IDLE_N tunnels (one user each), ping every $IDLE_PING_MS ms, held ${IDLE_HOLD}s; heap before ${heap0} KiB"
  rm -f "$RUN/idle.ready"
  "$JAVA" -jar "$TOOL" idle --url "$url" --private-key "$RUN/keys/private.pem" --issuer "$LB_ISSUER" \
    --count "$IDLE_N" --hold "$IDLE_HOLD" --ready-file "$RUN/idle.ready" >"$RUN/idle.out" 2>"$RUN/idle.log" &
  tool_pid=$!
  local deadline=$((SECONDS + 600))
  until [[ -f $RUN/idle.ready ]]; do
    kill -0 "$tool_pid" 2>/dev/null || break
    ((SECONDS < deadline)) || break
    sleep 0.5
  done
  if [[ -f $RUN/idle.ready ]]; then
    open_gauge=$(curl -s -m 5 "http://127.0.0.1:$IDLE_MGMT_PORT/q/metrics" | awk '/^localbridge_tunnels_open / { printf "%.0f", $2 }')
    heap1=$(heap_used_kib "$pid") rss1=$(rss_kib "$pid")
    sleep 2 # past the full GC
    t0=$(cpu_ticks "$pid"); sleep 10; t1=$(cpu_ticks "$pid")
    end_gauge=$(curl -s -m 5 "http://127.0.0.1:$IDLE_MGMT_PORT/q/metrics" | awk '/^localbridge_tunnels_open / { printf "%.0f", $2 }')
  fi
  wait "$tool_pid" || true
  cat "$RUN/idle.log" >&2
  line=$(grep '^RESULT' "$RUN/idle.out" || true)
  [[ -n $line ]] || { IDLE_SKIP_REASON="idle tool gave no result, see idle.log"; KEEP=1; stop_by_name idle-gateway; return 1; }
  R[idle.opened]=$(kv "$line" opened)
  R[idle.refused]=$(kv "$line" refused)
  R[idle.closed]=$(kv "$line" closed_during_hold)
  R[idle.pings]=$(kv "$line" pings)
  R[idle.open_s]=$(kv "$line" open_seconds)
  R[idle.open_p99]=$(kv "$line" open_p99_us)
  R[idle.gauge]=${open_gauge-}
  R[idle.gauge_end]=${end_gauge-}
  if [[ -n ${heap0-} && -n ${heap1-} && ${R[idle.opened]:-0} -gt 0 ]]; then
    R[idle.heap_per]=$(awk -v a="$heap0" -v b="$heap1" -v n="${R[idle.opened]}" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
    R[idle.rss_per]=$(awk -v a="$rss0" -v b="$rss1" -v n="${R[idle.opened]}" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
    R[idle.heap0]=$heap0 R[idle.heap1]=$heap1
  fi
  [[ -n ${t0-} ]] && R[idle.cpu]=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", 100 * t / hz / 10 }')
  ((${R[idle.refused]:-0} == 0)) || NOTE[idle.held]="${R[idle.refused]} opens refused"
  ((${R[idle.closed]:-0} == 0)) || NOTE[idle.held]+=" ${R[idle.closed]} closed by the gateway during the hold"
  [[ ${R[idle.gauge]-} == "${R[idle.opened]}" && ${R[idle.gauge_end]-} == "${R[idle.opened]}" ]] \
    || NOTE[idle.held]+=" gateway reported ${R[idle.gauge]:-?} then ${R[idle.gauge_end]:-?} open tunnels"
  log "idle: ${R[idle.opened]} held, heap ${R[idle.heap_per]:-?} B per tunnel, gateway CPU ${R[idle.cpu]:-?} % ${NOTE[idle.held]-}"
  stop_by_name idle-gateway
}

# session-service calls per proxied request: counters from both gateways' /q/metrics, before and after
RELAY_BG_OPS=" heartbeat renew stats events "   # per-interval background calls, not per request: not counted
metrics_snapshot() { # WHEN (before|after)
  local g mgmt
  for g in a b; do
    if [[ $g == a ]]; then mgmt=$GA_MGMT_PORT; else mgmt=$GB_MGMT_PORT; fi
    curl -s -m 5 "http://127.0.0.1:$mgmt/q/metrics" >"$RUN/metrics-$g-$1.txt" || true
    grep -q '^localbridge_' "$RUN/metrics-$g-$1.txt" || NOTE[relay.calls]="no localbridge_ metrics from gateway $g ($1)"
  done
}
metric_delta() { # METRIC LABEL — "label-value delta" lines, summed over both gateways, after − before
  awk -v m="$1" -v l="$2" '
    FNR == 1 { sign = (FILENAME ~ /-after\.txt$/) ? 1 : -1 }
    index($0, m "{") == 1 {
      key = "all"
      if (l != "" && match($0, l "=\"[^\"]*\"")) key = substr($0, RSTART + length(l) + 2, RLENGTH - length(l) - 3)
      d[key] += sign * $NF
    }
    END { for (k in d) printf "%s %.0f\n", k, d[k] }' \
    "$RUN/metrics-a-before.txt" "$RUN/metrics-b-before.txt" "$RUN/metrics-a-after.txt" "$RUN/metrics-b-after.txt" | sort
}

measure_relay() {
  jit_warmup relay_b "$RB_SMALL" "$CALLER_JWT"
  jit_warmup relay_a "$RA_SMALL" "$CALLER_JWT"
  metrics_snapshot before
  local t0=$SECONDS
  measure_latency relay_local "$RA_SMALL" "$RUN/caller.jwt"
  measure_latency relay_remote "$RB_SMALL" "$RUN/caller.jwt"
  metrics_snapshot after
  R[relay.window]=$((SECONDS - t0))

  local l50=${R[relay_local.p50]-} l99=${R[relay_local.p99]-} r50=${R[relay_remote.p50]-} r99=${R[relay_remote.p99]-}
  if [[ -n $l50 && -n $r50 && $l50 != NaN && $r50 != NaN ]]; then
    R[relay.extra_p50]=$(awk -v a="$r50" -v b="$l50" 'BEGIN { print a - b }')
    R[relay.extra_p99]=$(awk -v a="$r99" -v b="$l99" 'BEGIN { print a - b }')
  fi
  local leg
  for leg in relay_local relay_remote; do # uncorrected service time, for reading a corrected figure that piled up
    R[$leg.svc]=$(awk '$1 == "service" && $2 == "p50" && $7 == "p99" { printf "p50 %.0f µs, p99 %.0f µs", $3, $8 }' "$RUN/$leg-latency.log" 2>/dev/null)
  done
  NOTE[relay.lat]="${NOTE[relay_local.lat]:+local: ${NOTE[relay_local.lat]# }}${NOTE[relay_remote.lat]:+ relayed: ${NOTE[relay_remote.lat]# }}"

  local op n requests=0 calls=0 tokens=0 routing=0 counted= background= outcomes= failed= relayed=0
  while read -r op n; do
    [[ -n $op ]] || continue
    if [[ $RELAY_BG_OPS == *" $op "* ]]; then background+="${background:+, }$op $n"; continue; fi
    counted+="${counted:+, }$op $n"
    calls=$((calls + n))
    if [[ $op == tokens* ]]; then tokens=$((tokens + n)); else routing=$((routing + n)); fi
  done < <(metric_delta localbridge_session_calls_total operation)
  while read -r op n; do
    [[ -n $op ]] || continue
    ((n != 0)) || continue
    outcomes+="${outcomes:+, }$op $n"
    requests=$((requests + n))
    [[ $op == success ]] || failed+=" $op $n"
  done < <(metric_delta localbridge_requests_total outcome)
  relayed=$(metric_delta localbridge_relay_served_total "" | awk '{ s += $2 } END { print s + 0 }')
  R[relay.requests]=$requests
  R[relay.calls]=$calls
  R[relay.tokens]=$tokens
  R[relay.routing]=$routing
  R[relay.relayed]=$relayed
  R[relay.counted]=${counted:-none called}
  R[relay.background]=${background:-none called}
  R[relay.outcomes]=${outcomes:-none}
  [[ -z $failed ]] || NOTE[relay.calls]+=" requests not all successful:$failed"
  ((requests > 0)) || NOTE[relay.calls]+=" no proxied requests counted"
  log "relay: extra p50 $(fmt_us "${R[relay.extra_p50]-}"), p99 $(fmt_us "${R[relay.extra_p99]-}"); $requests proxied requests ($outcomes; $relayed served by A's relay), session-service calls: counted [${counted:-none}], background not counted [${background:-none}]"
}

# ---------------------------------------------------------------------------------------------------------------
# the report
fmt_us() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" 'BEGIN { printf "%.0f µs", v }' || echo "—"; }
fmt_ms() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" 'BEGIN { printf "%.1f ms", v / 1000 }' || echo "—"; }
fmt_n() { [[ -n ${1-} ]] && awk -v v="$1" 'BEGIN { s = sprintf("%d", v); while (s ~ /[0-9]{4}/) sub(/[0-9]{3}($|,)/, ",&", s); print s }' || echo "—"; }
with_note() { local v=$1 n=${2-}; [[ -n $n ]] && echo "$v ⚠ ${n# }" || echo "$v"; }
ratio() { [[ -n ${1-} && -n ${2-} && $1 != NaN && $2 != NaN ]] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }' || echo "—"; }
cell() { # cell LEG KEY FORMATTER NOTEKEY
  if ! want "$1" && [[ $1 != localbridge ]]; then echo "not run"; return; fi
  if [[ $1 == localbridge && -n $LB_SKIP_REASON ]]; then echo "n/a"; return; fi
  with_note "$($3 "${R[$1.$2]-}")" "${NOTE[$1.$4]-}"
}
verdict() { # verdict RESULT [NOTEKEY] — "not measured" without the leg; "no" when the LocalBridge run had errors
  if [[ -n $LB_SKIP_REASON ]] || ! want localbridge; then echo "not measured"
  elif [[ -n ${2-} && -n ${NOTE[localbridge.$2]-} ]]; then echo "no (run had errors)"
  elif [[ -n ${LB_RECONNECTS-} && ${2-} != conn ]]; then echo "no (agent reconnected)"
  else echo "$1"; fi
}
added_met() { # LB DIRECT LIMIT_US
  [[ -n ${1-} && -n ${2-} && $1 != NaN && $2 != NaN ]] || { echo "not measured"; return; }
  awk -v l="$1" -v d="$2" -v lim="$3" 'BEGIN { a = l - d; printf "%s (added %+.0f µs)", (a <= lim ? "yes" : "no"), a }'
}
min_met() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" -v lim="$2" 'BEGIN { print (v >= lim ? "yes" : "no") }' || echo "not measured"; }
fmt_sus() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" 'BEGIN { printf "%+.0f µs", v }' || echo "—"; }
per_req() { # per_req CALLS REQUESTS
  [[ -n ${1-} && -n ${2-} ]] && (($2 > 0)) || { echo "—"; return; }
  awk -v c="$1" -v r="$2" 'BEGIN { if (c == 0) printf "0"; else printf "%.3g", c / r }'
  printf ' (%s calls / %s requests)' "$(fmt_n "$1")" "$(fmt_n "$2")"
}
relay_verdict() { # relay_verdict RESULT NOTEKEY — like verdict, for the relay leg
  if [[ -n $RELAY_SKIP_REASON ]]; then echo "not measured"
  elif [[ -n ${NOTE[relay.$2]-} ]]; then echo "no (run had errors)"
  elif [[ -n ${RELAY_RECONNECTS-} ]]; then echo "no (agent reconnected)"
  else echo "$1"; fi
}
relay_lat_cell() { # relay_lat_cell p50|p99
  [[ -z $RELAY_SKIP_REASON ]] || { echo "n/a"; return; }
  with_note "$(fmt_sus "${R[relay.extra_$1]-}") (local via A $(fmt_us "${R[relay_local.$1]-}"), relayed via B $(fmt_us "${R[relay_remote.$1]-}"))" "${NOTE[relay.lat]-}"
}
relay_calls_cell() { # relay_calls_cell KEY
  [[ -z $RELAY_SKIP_REASON ]] || { echo "n/a"; return; }
  with_note "$(per_req "${R[relay.$1]-}" "${R[relay.requests]-}")" "${NOTE[relay.calls]-}"
}
zero_met() { [[ -n ${1-} ]] && { (($1 == 0)) && echo yes || echo no; } || echo "not measured"; }
max_met() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim ? "yes" : "no") }' || echo "not measured"; }

idle_verdict() { # idle_verdict RESULT — "no" when tunnels were refused or dropped
  if [[ -n ${NOTE[idle.held]-} ]]; then echo "no (tunnels refused or dropped)"; else echo "$1"; fi
}
idle_count_verdict() {
  if [[ -n ${NOTE[idle.held]-} ]]; then echo "no (tunnels refused or dropped)"
  elif ((${R[idle.opened]:-0} >= 50000)); then echo "yes"
  elif [[ -n ${IDLE_CAPPED-} ]]; then echo "not measurable here (open-files limit)"
  else echo "not measured at 50,000 (BENCH_IDLE_TUNNELS=$IDLE_N)"; fi
}

report() {
  local lb=localbridge
  {
    echo "# LocalBridge benchmark — $TS"
    echo
    echo "- machine: $(nproc) cores, $(uname -sr); $("$JAVA" -version 2>&1 | head -1); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine distorts every figure)"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (dirty tree)')"
    echo "- tools: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'), $(ssh -V 2>&1 | cut -d, -f1)"
    echo "- settings: latency $RATE req/s × ${LAT_SECS}s on 1 connection (+${LAT_WARMUP}s warm-up); wrk ${WRK_THREADS} threads × ${WRK_CONNS} connections × ${WRK_SECS}s (+${WRK_WARMUP}s warm-up); 100 MiB download best of $DL_TRIES (+$DL_WARMUP discarded); $CONNECT_N tunnel opens (+5 warm-up)$( ((QUICK)) && echo '; **--quick run: indicative only**')"
    echo "- legs run: $LEGS"
    if want localbridge || want relay; then
      echo "- JIT warm-up: gateways, agent and session-service are JVMs, so every LocalBridge and relay measurement is preceded by ${JIT_WARMUP}s of discarded load through the same path (wrk -t$WRK_THREADS -c$WRK_CONNS; relay leg: ${JIT_WARMUP}s via B, then ${JIT_WARMUP}s via A), on top of each tool's own warm-up"
    fi
    [[ -z $LB_SKIP_REASON ]] || echo "- **LocalBridge leg not measured:** $LB_SKIP_REASON"
    [[ -z ${LB_RECONNECTS-} ]] || echo "- **LocalBridge agent reconnected $LB_RECONNECTS time(s) during the run** (see agent.log)"
    if want relay; then
      if [[ -n $RELAY_SKIP_REASON ]]; then echo "- **relay leg not measured:** $RELAY_SKIP_REASON"
      else echo "- relay leg: session-service (Redis $REDIS_URL_BENCH, keys under \`$REDIS_PREFIX\`, removed afterwards) + gateway A holding the agent's tunnel + gateway B relaying to A; rate limit set to 100,000,000 per window on all three, so the cluster limiter still runs and takes token batches"
      fi
    fi
    [[ -z ${RELAY_RECONNECTS-} ]] || echo "- **relay agent reconnected $RELAY_RECONNECTS time(s) during the run** (see relay-agent.log)"
    echo
    echo "| figure | direct | nginx | ssh -R | LocalBridge | LocalBridge/direct | target (docs/benchmarks.md) | met |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| small GET p50, 1 conn @ $RATE req/s | $(cell direct p50 fmt_us lat) | $(cell nginx p50 fmt_us lat) | $(cell ssh p50 fmt_us lat) | $(cell $lb p50 fmt_us lat) | $(ratio "${R[$lb.p50]-}" "${R[direct.p50]-}") | added ≤ 60 µs | $(verdict "$(added_met "${R[$lb.p50]-}" "${R[direct.p50]-}" 60)" lat) |"
    echo "| small GET p99, 1 conn @ $RATE req/s | $(cell direct p99 fmt_us lat) | $(cell nginx p99 fmt_us lat) | $(cell ssh p99 fmt_us lat) | $(cell $lb p99 fmt_us lat) | $(ratio "${R[$lb.p99]-}" "${R[direct.p99]-}") | added ≤ 1 ms | $(verdict "$(added_met "${R[$lb.p99]-}" "${R[direct.p99]-}" 1000)" lat) |"
    echo "| small GETs/s, $WRK_CONNS conns (wrk) | $(cell direct rps fmt_n rps) | $(cell nginx rps fmt_n rps) | $(cell ssh rps fmt_n rps) | $(cell $lb rps fmt_n rps) | $(ratio "${R[$lb.rps]-}" "${R[direct.rps]-}") | ≥ 20,000 req/s | $(verdict "$(min_met "${R[$lb.rps]-}" 20000)" rps) |"
    echo "| one 100 MiB download, MB/s (best of $DL_TRIES) | $(cell direct mbps fmt_n dl) | $(cell nginx mbps fmt_n dl) | $(cell ssh mbps fmt_n dl) | $(cell $lb mbps fmt_n dl) | $(ratio "${R[$lb.mbps]-}" "${R[direct.mbps]-}") | ≥ 700 MB/s | $(verdict "$(min_met "${R[$lb.mbps]-}" 700)" dl) |"
    echo "| tunnel establishment p50 (upgrade + JWT + lease) | — | — | — | $(cell $lb conn_p50 fmt_ms conn) | — | — | — |"
    echo "| tunnel establishment p99 (upgrade + JWT + lease) | — | — | — | $(cell $lb conn_p99 fmt_ms conn) | — | ≤ 50 ms | $(verdict "$(max_met "${R[$lb.conn_p99]-}" 50000)" conn) |"
    if want relay; then
      echo "| relayed (cross-replica) extra p50, B − A, 1 conn @ $RATE req/s | — | — | — | $(relay_lat_cell p50) | — | ≤ 50 µs | $(relay_verdict "$(max_met "${R[relay.extra_p50]-}" 50)" lat) |"
      echo "| relayed (cross-replica) extra p99, B − A | — | — | — | $(relay_lat_cell p99) | — | — | — |"
      echo "| session-service calls per proxied request, steady state¹ | — | — | — | $(relay_calls_cell calls) | — | 0 | $(relay_verdict "$(zero_met "${R[relay.calls]-}")" calls) |"
      echo "| … of which rate-limit token batches (\`operation=tokens*\`)² | — | — | — | $(relay_calls_cell tokens) | — | — (≤ 1 per batch of ≤ 50) | — |"
      echo "| … of which routing and lease calls (all other counted ops) | — | — | — | $(relay_calls_cell routing) | — | 0 (cached route) | $(relay_verdict "$(zero_met "${R[relay.routing]-}")" calls) |"
    else
      echo "| relayed (cross-replica) extra p50 / p99, session-service calls per request | — | — | — | not run | — | ≤ 50 µs (p50), 0 calls | not measured |"
    fi
    if want idle && [[ -z $IDLE_SKIP_REASON ]]; then
      echo "| idle tunnels held on one gateway (${IDLE_HOLD}s, ping every ${IDLE_PING_MS} ms)³ | — | — | — | $(with_note "$(fmt_n "${R[idle.opened]-}") held, ${R[idle.closed]:-?} closed" "${NOTE[idle.held]-}") | — | 50,000 | $(idle_count_verdict) |"
      echo "| heap per idle tunnel (after full GC)³ | — | — | — | $(fmt_n "${R[idle.heap_per]-}") B | — | ≤ 10 KB | $(idle_verdict "$(max_met "${R[idle.heap_per]-}" 10000)") |"
    else
      echo "| idle tunnels on one gateway, heap per tunnel | — | — | — | ${IDLE_SKIP_REASON:-not run} | — | 50,000, ≤ 10 KB each | not measured |"
    fi
    echo
    if want idle && [[ -z $IDLE_SKIP_REASON ]]; then
      echo "³ Idle leg: one standalone gateway (default per-user limit), $(fmt_n "${R[idle.opened]-}") tunnels opened 64 at a time by \`localbridge-bench.jar idle\`, one user and one freshly minted RS256 JWT each, every gateway \`Ping\` answered with a \`Pong\` ($(fmt_n "${R[idle.pings]-}") during the hold). Opening them took ${R[idle.open_s]:-?} s (p99 of one open under that load $(fmt_ms "${R[idle.open_p99]-}")). Gateway heap after a full GC (\`jcmd GC.run\`, \`GC.heap_info\`): $(fmt_n "${R[idle.heap0]-}") KiB before, $(fmt_n "${R[idle.heap1]-}") KiB with the tunnels; process RSS grew $(fmt_n "${R[idle.rss_per]-}") B per tunnel (mostly heap the JVM committed). Projected heap for 50,000 such tunnels: $(awk -v b="${R[idle.heap_per]:-0}" 'BEGIN { printf "%.0f MB", b * 50000 / 1e6 }'). Gateway CPU over 10 s of the hold: ${R[idle.cpu]:-?} % of one core (keepalive only). Tunnels the gateway counted (\`localbridge_tunnels_open\`): ${R[idle.gauge]:-?} after the opens, ${R[idle.gauge_end]:-?} after the CPU window.${IDLE_CAPPED:+ **Capped:** $IDLE_CAPPED; every tunnel costs the gateway a file descriptor, so 50,000 cannot be held by one process on this machine.}"
    fi
    if want relay && [[ -z $RELAY_SKIP_REASON ]]; then
      echo "¹ Counters \`localbridge_session_calls_total\` (by \`operation\`) and \`localbridge_requests_total\` (summed over \`outcome\`) of **both** gateways' \`/q/metrics\`, after the JIT warm-up, before and after the two measured latency runs (local via A, then relayed via B, each with its own warm-up). Counted ops (every op except the per-interval background ones), calls during the window: ${R[relay.counted]}. Not counted — heartbeat, renew, stats, events are per-interval background calls, not per request: ${R[relay.background]}. Proxied requests in the window (~${R[relay.window]} s): ${R[relay.requests]} (${R[relay.outcomes]}); of them served by A's relay port for B: ${R[relay.relayed]}. A \`lookup\` is B refreshing its cached route to A once per \`TUNNEL_ROUTE_CACHE_TTL\` (30 s by default) while the route is in use, so up to one per 30 s may appear even in steady state: it is counted all the same. The gateways have no Redis client: Redis is reached only through session-service, so these calls bound the Redis round trips per request as well."
      echo "² The cluster-wide rate limiter leases tokens in batches (\`POST /api/ratelimit/tokens\`, at most one call per batch of up to 50 requests per user and replica); amortised, not a round trip on each request's path, but shown here rather than hidden."
      echo "Relay leg, uncorrected service time (request sent → response read, without the wait behind earlier requests): local via A ${R[relay_local.svc]:-—}; relayed via B ${R[relay_remote.svc]:-—}. When it is close to 1/rate the corrected figures pile up (each late response delays the ones queued behind it)."
    fi
    echo "Reference figures on this kind of machine (docs/benchmarks.md): direct 64 µs / 61k req/s / 3 GB/s; nginx hop 79 µs / 32.6k req/s / 496 MB/s; ssh -R 131 µs (p99 41.9 ms) / 18k req/s / 613 MB/s."
    echo "Latencies are coordinated-omission corrected (from each request's scheduled send time). MB = 10^6 bytes. ⚠ marks a figure whose run had errors; see bench/README.md."
  } >"$RESULTS"
  echo
  cat "$RESULTS"
  echo
  log "results written to $RESULTS"
}

# ---------------------------------------------------------------------------------------------------------------
main() {
  mkdir -p "$OUT" "$RUN"
  LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  ensure_tools
  build_tool
  start_nginx
  log "origin http://127.0.0.1:$ORIGIN_PORT, nginx hop http://127.0.0.1:$PROXY_PORT"

  if want direct; then
    measure_leg direct "http://127.0.0.1:$ORIGIN_PORT/small.json" "http://127.0.0.1:$ORIGIN_PORT/big.bin"
  fi
  if want nginx; then
    measure_leg nginx "http://127.0.0.1:$PROXY_PORT/small.json" "http://127.0.0.1:$PROXY_PORT/big.bin"
  fi
  if want ssh; then
    start_ssh_tunnel
    measure_leg ssh "http://127.0.0.1:$SSH_FWD_PORT/small.json" "http://127.0.0.1:$SSH_FWD_PORT/big.bin"
    stop_by_name ssh-R   # free the CPU for the next leg
    stop_by_name sshd
  fi
  local ups
  if want localbridge || want relay; then lb_jars; fi
  if want localbridge; then
    if start_localbridge; then
      jit_warmup localbridge "$LB_SMALL" "$CALLER_JWT"
      measure_leg localbridge "$LB_SMALL" "$LB_BIG" "$CALLER_JWT" "$RUN/caller.jwt"
      measure_connect localbridge "ws://127.0.0.1:$GW_PORT/ws/tunnel" "$RUN/connect.jwt"
      ups=$(grep -Ec '(^|[[:space:]])tunnel up:' "$RUN/agent.log" || true)
      if ((ups > 1)); then LB_RECONNECTS=$((ups - 1)); KEEP=1; fi
    else
      log "LocalBridge leg skipped: $LB_SKIP_REASON"
    fi
    stop_by_name agent   # free the CPU for the next leg
    stop_by_name gateway
  else
    LB_SKIP_REASON="not selected with --legs"
  fi
  if want relay; then
    if start_relay; then
      measure_relay
      ups=$(grep -Ec '(^|[[:space:]])tunnel up:' "$RUN/relay-agent.log" || true)
      if ((ups > 1)); then RELAY_RECONNECTS=$((ups - 1)); KEEP=1; fi
    else
      log "relay leg skipped: $RELAY_SKIP_REASON"
      KEEP=1
    fi
  else
    RELAY_SKIP_REASON="not selected with --legs"
  fi
  if want idle; then
    if ! want localbridge && ! want relay; then lb_jars; fi
    measure_idle || { log "idle leg skipped: $IDLE_SKIP_REASON"; KEEP=1; }
  else
    IDLE_SKIP_REASON="not selected with --legs"
  fi
  report
}

main
