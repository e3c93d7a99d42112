#!/usr/bin/env bash
# Make the OSRM command-line tools available for the OSRM tests, in <repo>/.cache/osrm:
#   .cache/osrm/bin/osrm-{extract,partition,customize,contract,routed}
#   .cache/osrm/profiles/car.lua (+ profiles/lib/*.lua, which car.lua requires)
#
# Debian bookworm has no osrm-backend package. PyPI `osrm-bindings` ships the executables in
# wheels for CPython >= 3.12 only (abi3); we never install that wheel, we only unpack it: the
# executables are self-contained (they link only glibc/libstdc++), so they run from any Python.
#
# Idempotent and quick when already done. Needs: the venv's pip (PyPI reachable), `unzip` or
# python3. No root, no apt packages, no env vars. Optional env:
#   ROUNDS_OSRM_DIR       install here instead of <repo>/.cache/osrm (the test fixture reads it too)
#   OSRM_BINDINGS_VERSION pip version spec, default 26.10.*
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${ROUNDS_OSRM_DIR:-$repo/.cache/osrm}"
version="${OSRM_BINDINGS_VERSION:-26.10.*}"
pip="$repo/.venv/bin/pip"
[[ -x "$pip" ]] || pip="python3 -m pip"

tools=(osrm-extract osrm-partition osrm-customize osrm-contract osrm-routed)

have_all() {
    local t
    for t in "${tools[@]}"; do [[ -x "$dest/bin/$t" ]] || return 1; done
    [[ -f "$dest/profiles/car.lua" ]]
}

if have_all && "$dest/bin/osrm-routed" --version >/dev/null 2>&1; then
    echo "ensure-osrm: OSRM $("$dest/bin/osrm-routed" --version) ready in $dest"
    exit 0
fi

case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) echo "ensure-osrm: no osrm-bindings wheel for machine type $(uname -m)" >&2; exit 1 ;;
esac

wheel_dir="$dest/wheel"
mkdir -p "$wheel_dir"
rm -f "$wheel_dir"/osrm_bindings-*.whl
downloaded=""
# Newest glibc baseline first; the first tag PyPI has a wheel for wins.
for tag in manylinux_2_28 manylinux_2_34 manylinux_2_31 manylinux_2_27 manylinux2014 manylinux_2_17; do
    if $pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --python-version 3.12 --platform "${tag}_${arch}" \
        "osrm-bindings==${version}" -d "$wheel_dir" >/dev/null 2>&1; then
        downloaded="$tag"
        break
    fi
done
wheel="$(ls "$wheel_dir"/osrm_bindings-*.whl 2>/dev/null | head -n 1 || true)"
if [[ -z "$downloaded" || -z "$wheel" ]]; then
    echo "ensure-osrm: could not download osrm-bindings==${version} for ${arch} from PyPI." >&2
    echo "  Try: $pip download --no-deps --only-binary=:all: --python-version 3.12" \
        "--platform manylinux_2_28_${arch} 'osrm-bindings==${version}' -d $wheel_dir" >&2
    exit 1
fi

unpacked="$dest/unpacked"
rm -rf "$unpacked"
mkdir -p "$unpacked"
if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$wheel" -d "$unpacked"
else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$wheel" "$unpacked"
fi

mkdir -p "$dest/bin"
for t in "${tools[@]}"; do
    src="$(find "$unpacked" -type f -name "$t" | head -n 1)"
    if [[ -z "$src" ]]; then
        echo "ensure-osrm: $t not found in $(basename "$wheel")" >&2
        exit 1
    fi
    install -m 0755 "$src" "$dest/bin/$t"
done
car="$(find "$unpacked" -type f -path '*profiles/car.lua' | head -n 1)"
if [[ -z "$car" ]]; then
    echo "ensure-osrm: car.lua not found in $(basename "$wheel")" >&2
    exit 1
fi
rm -rf "$dest/profiles"
cp -R "$(dirname "$car")" "$dest/profiles"

# Bundled shared libraries (auditwheel's <pkg>.libs), if a future wheel has them.
libs="$(find "$unpacked" -maxdepth 1 -type d -name '*.libs' | head -n 1 || true)"
if [[ -n "$libs" ]]; then
    rm -rf "$dest/lib"
    cp -R "$libs" "$dest/lib"
fi

# The executables must run: report a missing shared library now, not in the middle of a test.
export LD_LIBRARY_PATH="$dest/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if ! out="$("$dest/bin/osrm-routed" --version 2>&1)"; then
    echo "ensure-osrm: $dest/bin/osrm-routed does not run:" >&2
    echo "$out" >&2
    ldd "$dest/bin/osrm-routed" 2>&1 | grep 'not found' >&2 || true
    exit 1
fi
rm -rf "$unpacked"
echo "ensure-osrm: OSRM $out ready in $dest (from $(basename "$wheel"))"
