#!/usr/bin/env bash
# LocalBridge benchmark: direct vs one nginx proxy hop vs OpenSSH reverse tunnel (ssh -R) vs LocalBridge,
# all against the same local nginx upstream, in ONE run. See bench/README.md for what each figure means.
#
#   bench/run.sh [--quick] [--legs direct,nginx,ssh,localbridge] [--build] [--keep]
#
#   --quick   short runs (3 s instead of 10 s) for trying the harness; figures are then only indicative
#   --legs    comma-separated subset of legs to run (default: all four)
#   --build   build the gateway and agent jars (./mvnw package -DskipTests) when they are missing
#   --keep    keep the run directory (logs, configs) even when everything went fine
#
# Tunables (environment): BENCH_RATE (1000 req/s), BENCH_LATENCY_SECS (10), BENCH_WRK_SECS (10),
# BENCH_WRK_CONNS (32), BENCH_WRK_THREADS (2), BENCH_DOWNLOAD_TRIES (3), BENCH_CONNECT_COUNT (50),
# LB_GATEWAY_JAR, LB_AGENT_JAR, LB_JAVA_OPTS (extra JVM flags for gateway and agent).
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
CONNECT_N=${BENCH_CONNECT_COUNT:-50}
BIG_BYTES=$((100 * 1024 * 1024))
LEGS=direct,nginx,ssh,localbridge
BUILD=0
KEEP=0
QUICK=0

GW_JAR=${LB_GATEWAY_JAR:-$ROOT/gateway-service/target/quarkus-app/quarkus-run.jar}
AGENT_JAR=${LB_AGENT_JAR:-$ROOT/tunnel-agent/target/tunnel-agent-0.1.0-SNAPSHOT-runner.jar}
LB_ISSUER=https://localbridge.dev/
LB_USER='bench|user1'          # owns the agent's tunnel; requests go to /api/tunnel/bench%7Cuser1/...
LB_USER_ENC='bench%7Cuser1'
LB_CONNECT_USER='bench|connect' # separate user for the tunnel-establishment test

while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1; LAT_SECS=3; WRK_SECS=3; LAT_WARMUP=1; WRK_WARMUP=1; CONNECT_N=20; shift ;;
    --legs) LEGS=${2:?--legs needs a value}; shift 2 ;;
    --build) BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
CLEANED=0
cleanup() {
  local rc=$?
  ((CLEANED)) && return
  CLEANED=1
  trap - INT TERM
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_one "$i"; done
  rm -f "$RUN/www/big.bin" 2>/dev/null || true
  if [[ -d $RUN ]]; then
    if ((rc == 0 && KEEP == 0)); then rm -rf "$RUN"; else log "logs and configs kept in $RUN"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
# free ports: random in 20000-59999, not listening, not handed out before in this run
declare -A USED_PORTS=()
port_in_use() {
  if command -v ss >/dev/null; then
    ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() { # free_port VAR
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
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

# LocalBridge: one gateway (standalone, no session-service) + one agent whose target is the same origin
LB_SKIP_REASON=
start_localbridge() {
  if [[ ! -f $GW_JAR || ! -f $AGENT_JAR ]] && ((BUILD)); then
    log "building gateway-service and tunnel-agent (./mvnw package -DskipTests)"
    (cd "$ROOT" && ./mvnw -q -DskipTests package -pl gateway-service,tunnel-agent -am) >"$RUN/build-lb.log" 2>&1 \
      || log "build failed, see $RUN/build-lb.log"
  fi
  [[ -f $GW_JAR ]] || { LB_SKIP_REASON="gateway jar missing ($GW_JAR); build it or pass --build"; return 1; }
  [[ -f $AGENT_JAR ]] || { LB_SKIP_REASON="agent jar missing ($AGENT_JAR); build it or pass --build"; return 1; }

  "$ROOT/scripts/dev-keys.sh" "$RUN/keys" 2>/dev/null
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/agent.jwt"
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/caller.jwt"
  "$ROOT/scripts/mint-token.sh" --key "$RUN/keys/private.pem" --sub "$LB_CONNECT_USER" --iss "$LB_ISSUER" --ttl 7200 >"$RUN/connect.jwt"
  chmod 600 "$RUN"/*.jwt
  CALLER_JWT=$(<"$RUN/caller.jwt")

  free_port GW_PORT
  free_port GW_MGMT_PORT
  # rate and connection limits lifted so that the load itself is measured, not the limiter
  # shellcheck disable=SC2086
  start_bg gateway env \
    QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT="$GW_PORT" \
    QUARKUS_MANAGEMENT_PORT="$GW_MGMT_PORT" \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION="$RUN/keys/public.pem" \
    MP_JWT_VERIFY_ISSUER="$LB_ISSUER" \
    TUNNEL_RATE_LIMIT_MAX_REQUESTS=1000000000 \
    TUNNEL_MAX_CONNECTIONS_PER_USER=100 \
    "$JAVA" ${LB_JAVA_OPTS-} -jar "$GW_JAR"
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
  log "$leg: one 100 MiB download, best of $DL_TRIES"
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
max_met() { [[ -n ${1-} && $1 != NaN ]] && awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim ? "yes" : "no") }' || echo "not measured"; }

report() {
  local lb=localbridge
  {
    echo "# LocalBridge benchmark — $TS"
    echo
    echo "- machine: $(nproc) cores, $(uname -sr); $("$JAVA" -version 2>&1 | head -1); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine distorts every figure)"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (dirty tree)')"
    echo "- tools: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}'), $(ssh -V 2>&1 | cut -d, -f1)"
    echo "- settings: latency $RATE req/s × ${LAT_SECS}s on 1 connection (+${LAT_WARMUP}s warm-up); wrk ${WRK_THREADS} threads × ${WRK_CONNS} connections × ${WRK_SECS}s (+${WRK_WARMUP}s warm-up); 100 MiB download best of $DL_TRIES; $CONNECT_N tunnel opens (+5 warm-up)$( ((QUICK)) && echo '; **--quick run: indicative only**')"
    echo "- legs run: $LEGS"
    [[ -z $LB_SKIP_REASON ]] || echo "- **LocalBridge leg not measured:** $LB_SKIP_REASON"
    [[ -z ${LB_RECONNECTS-} ]] || echo "- **LocalBridge agent reconnected $LB_RECONNECTS time(s) during the run** (see agent.log)"
    echo
    echo "| figure | direct | nginx | ssh -R | LocalBridge | LocalBridge/direct | target (ARCHITECTURE.md) | met |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| small GET p50, 1 conn @ $RATE req/s | $(cell direct p50 fmt_us lat) | $(cell nginx p50 fmt_us lat) | $(cell ssh p50 fmt_us lat) | $(cell $lb p50 fmt_us lat) | $(ratio "${R[$lb.p50]-}" "${R[direct.p50]-}") | added ≤ 60 µs | $(verdict "$(added_met "${R[$lb.p50]-}" "${R[direct.p50]-}" 60)" lat) |"
    echo "| small GET p99, 1 conn @ $RATE req/s | $(cell direct p99 fmt_us lat) | $(cell nginx p99 fmt_us lat) | $(cell ssh p99 fmt_us lat) | $(cell $lb p99 fmt_us lat) | $(ratio "${R[$lb.p99]-}" "${R[direct.p99]-}") | added ≤ 1 ms | $(verdict "$(added_met "${R[$lb.p99]-}" "${R[direct.p99]-}" 1000)" lat) |"
    echo "| small GETs/s, $WRK_CONNS conns (wrk) | $(cell direct rps fmt_n rps) | $(cell nginx rps fmt_n rps) | $(cell ssh rps fmt_n rps) | $(cell $lb rps fmt_n rps) | $(ratio "${R[$lb.rps]-}" "${R[direct.rps]-}") | ≥ 20,000 req/s | $(verdict "$(min_met "${R[$lb.rps]-}" 20000)" rps) |"
    echo "| one 100 MiB download, MB/s (best of $DL_TRIES) | $(cell direct mbps fmt_n dl) | $(cell nginx mbps fmt_n dl) | $(cell ssh mbps fmt_n dl) | $(cell $lb mbps fmt_n dl) | $(ratio "${R[$lb.mbps]-}" "${R[direct.mbps]-}") | ≥ 700 MB/s | $(verdict "$(min_met "${R[$lb.mbps]-}" 700)" dl) |"
    echo "| tunnel establishment p50 (upgrade + JWT + lease) | — | — | — | $(cell $lb conn_p50 fmt_ms conn) | — | — | — |"
    echo "| tunnel establishment p99 (upgrade + JWT + lease) | — | — | — | $(cell $lb conn_p99 fmt_ms conn) | — | ≤ 50 ms | $(verdict "$(max_met "${R[$lb.conn_p99]-}" 50000)" conn) |"
    # TODO(issue 3): cross-replica leg — start two gateways with TUNNEL_SESSION_URL (+ session-service, memory store),
    # the agent on gateway A, and run measure_latency against gateway B (relayed) and A (local); fill this row with
    # the p50/p99 difference (target: relayed extra p50 ≤ 50 µs) and count session-service calls per request from
    # /q/metrics (target 0 in steady state).
    echo "| relayed (cross-replica) extra p50 / p99 | — | — | — | not measured yet | — | ≤ 50 µs (p50) | TODO (issue 3) |"
    echo
    echo "Reference figures from ARCHITECTURE.md on this kind of machine: direct 64 µs / 61k req/s / 3 GB/s; nginx hop 79 µs / 32.6k req/s / 496 MB/s; ssh -R 131 µs (p99 41.9 ms) / 18k req/s / 613 MB/s."
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
  if want localbridge; then
    if start_localbridge; then
      measure_leg localbridge "$LB_SMALL" "$LB_BIG" "$CALLER_JWT" "$RUN/caller.jwt"
      measure_connect localbridge "ws://127.0.0.1:$GW_PORT/ws/tunnel" "$RUN/connect.jwt"
      local ups
      ups=$(grep -Ec '(^|[[:space:]])tunnel up:' "$RUN/agent.log" || true)
      if ((ups > 1)); then LB_RECONNECTS=$((ups - 1)); KEEP=1; fi
    else
      log "LocalBridge leg skipped: $LB_SKIP_REASON"
    fi
  else
    LB_SKIP_REASON="not selected with --legs"
  fi
  # TODO(issue 3): cross-replica leg (relayed vs local p50/p99), see the TODO in report().
  report
}

main
