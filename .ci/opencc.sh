#!/usr/bin/env bash
# The OpenCC differential test: our default converter against the C++
# OpenCC (Debian's libopencc 1.1.6 through opencc-rust =1.1.19), character
# for character, over the corpus, tests/data/traditional_stress.txt, every
# t2s dictionary key and all of GB 2312. Also lints the `opencc` feature.
#
# Exit codes:
#   0  the test passed; or libopencc-dev could not be installed, which is
#      reported as SKIPPED in a banner: the default build needs no system
#      library, so a package mirror being down must not block a change,
#      but nobody may read the run as a pass of the differential test.
#      Set OPENCC_REQUIRED=1 to make a failed install fail the script.
#   1  the library was there (or installed) but lints or the test failed,
#      or OPENCC_REQUIRED=1 and it could not be installed.
set -uo pipefail
cd "$(dirname "$0")/.."

skip() {
    {
        echo "=================================================================="
        echo "SKIPPED: the OpenCC differential test (tests/opencc_diff.rs) did NOT run."
        echo "Reason: $1"
        echo "Install libopencc-dev and pkg-config, then run: bash .ci/opencc.sh"
        echo "=================================================================="
    } >&2
    if [ "${OPENCC_REQUIRED:-0}" = 1 ]; then
        exit 1
    fi
    exit 0
}

if ! pkg-config --exists opencc 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo -n)
    else
        skip "libopencc-dev is not installed, and installing it needs root"
    fi
    echo "opencc.sh: installing libopencc-dev with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq || echo "opencc.sh: apt-get update failed; trying the install anyway" >&2
    if ! "${sudo[@]}" apt-get install -y -qq libopencc-dev pkg-config >&2; then
        skip "apt-get install libopencc-dev failed (see the apt-get output above)"
    fi
    if ! pkg-config --exists opencc; then
        skip "libopencc-dev installed, but pkg-config does not find opencc"
    fi
fi
echo "opencc.sh: OpenCC $(pkg-config --modversion opencc)" >&2

set -e
cargo clippy --features opencc --all-targets -- -D warnings
cargo test --features opencc --test opencc_diff
