#!/usr/bin/env bash
# Stages what the runtime image needs: the given binaries into DEST/usr/local/bin and every
# shared library they load (as ldd resolves them here, libnode from third_party/libnode
# included) into DEST/usr/local/lib/hearth. glibc's own libraries are left out: the runtime
# image's base (Debian 12, same glibc) has them, and they must match its loader.
#   tools/container/collect-runtime.sh DEST BINARY...
# Used by the Containerfile's build stage; runnable on any build to see what ships.
set -euo pipefail

if (($# < 2)); then
  echo "usage: $0 DEST BINARY..." >&2
  exit 2
fi
dest="$1"
shift
mkdir -p "${dest}/usr/local/bin" "${dest}/usr/local/lib/hearth"

for bin in "$@"; do
  install -m 0755 "$bin" "${dest}/usr/local/bin/"
  # Debug info is most of a RelWithDebInfo binary (40 MB of 43); the symbol table stays, so
  # crash backtraces keep their function names.
  strip --strip-debug "${dest}/usr/local/bin/$(basename "$bin")"
  # "libfoo.so.1 => /path/libfoo.so.1 (0x...)"; a "not found" stops the build here, not at
  # the first start of the image.
  if ldd "$bin" | grep -q 'not found'; then
    echo "collect-runtime: $bin has unresolved libraries:" >&2
    ldd "$bin" | grep 'not found' >&2
    exit 1
  fi
  ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r soname path; do
    case "$soname" in
      # glibc (package libc6): provided by the base image.
      libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | libresolv.so.* | \
        libutil.so.* | libanl.so.* | ld-linux*) continue ;;
    esac
    # Under its soname, dereferenced: the loader looks the soname up, and ldconfig in the
    # runtime stage would otherwise have to recreate the links.
    cp -L "$path" "${dest}/usr/local/lib/hearth/${soname}"
  done
done
echo "collect-runtime: $(ls "${dest}/usr/local/lib/hearth" | wc -l) libraries staged in ${dest}"
