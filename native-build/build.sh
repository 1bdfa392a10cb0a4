#!/usr/bin/env bash
# build.sh — build the container images of gateway-service, session-service and health-service.
#
#   native-build/build.sh [--jvm | --native] [--tag TAG] [--registry PREFIX] [--push] [SERVICE...]
#
#   --jvm            (default) ./mvnw package on this machine, then an image from each target/quarkus-app
#   --native         native executables built INSIDE the Mandrel builder image (no local GraalVM needed), then a
#                    UBI 9 micro runtime image; slow (several minutes and ~6 GB RAM per service)
#   --tag TAG        image tag (default: the project version from the root pom, e.g. 0.1.0-SNAPSHOT)
#   --registry P     image name prefix (default: localbridge), e.g. registry.example.com/localbridge
#   --push           push each image after building it
#   SERVICE...       a subset (default: all three)
#
# Uses docker, or podman when docker is missing (override with CONTAINER_ENGINE=podman).
# Images: $registry/<service>:$tag, e.g. localbridge/gateway-service:0.1.0 (the names k8s/ expects).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mode=jvm tag= registry=localbridge push=false services=()
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --jvm) mode=jvm ;;
    --native) mode=native ;;
    --tag) [[ $# -ge 2 ]] || usage; tag=$2; shift ;;
    --registry) [[ $# -ge 2 ]] || usage; registry=${2%/}; shift ;;
    --push) push=true ;;
    -h|--help) usage ;;
    gateway-service|session-service|health-service) services+=("$1") ;;
    *) echo "build.sh: unknown argument $1" >&2; usage ;;
  esac
  shift
done
[[ ${#services[@]} -gt 0 ]] || services=(gateway-service session-service health-service)

engine=${CONTAINER_ENGINE:-}
if [[ -z $engine ]]; then
  if command -v docker >/dev/null; then engine=docker
  elif command -v podman >/dev/null; then engine=podman
  else echo "build.sh: neither docker nor podman found" >&2; exit 1; fi
fi
if ! "$engine" info >/dev/null 2>&1; then
  echo "build.sh: '$engine' cannot reach a container engine (no daemon / no podman machine?)" >&2
  exit 1
fi

if [[ -z $tag ]]; then
  tag=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
  [[ -n $tag ]] || { echo "build.sh: cannot read the project version; pass --tag" >&2; exit 1; }
fi

cd "$root"
if [[ $mode == jvm ]]; then
  pl=$(IFS=,; echo "${services[*]}")
  echo "build.sh: ./mvnw -pl $pl -am package -DskipTests" >&2
  ./mvnw -B -ntp -pl "$pl" -am package -DskipTests
fi

for svc in "${services[@]}"; do
  image=$registry/$svc:$tag
  if [[ $mode == jvm ]]; then
    [[ -f $svc/target/quarkus-app/quarkus-run.jar ]] || { echo "build.sh: $svc/target/quarkus-app missing" >&2; exit 1; }
    echo "build.sh: $image (JVM)" >&2
    "$engine" build -f "native-build/Dockerfile.jvm.$svc" -t "$image" "$svc"
  else
    echo "build.sh: $image (native, Mandrel builder)" >&2
    if [[ $engine == docker ]]; then export DOCKER_BUILDKIT=1; fi
    "$engine" build -f "native-build/Dockerfile.native.$svc" -t "$image" .
  fi
  if $push; then "$engine" push "$image"; fi
done
echo "build.sh: built ${services[*]} as $registry/<service>:$tag ($mode)" >&2
