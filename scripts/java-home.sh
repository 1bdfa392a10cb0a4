# Sourced by scripts: points JAVA_HOME at a JDK >= 21 (Temurin 25 on the project's machines), or fails clearly.
_lb_java_ok() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | head -1 | grep -qE '"(2[1-9]|[3-9][0-9])'; }
if [ -n "${JAVA_HOME:-}" ] && _lb_java_ok "$JAVA_HOME"; then
  :
elif _lb_java_ok /usr/lib/jvm/temurin-25-jdk-amd64; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
else
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*; do
    if _lb_java_ok "$candidate"; then export JAVA_HOME="$candidate"; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "LocalBridge needs a JDK 21 or newer: none found (set JAVA_HOME, or install e.g. temurin-25-jdk)." >&2
    exit 1
  fi
fi
export PATH="$JAVA_HOME/bin:$PATH"
unset -f _lb_java_ok
