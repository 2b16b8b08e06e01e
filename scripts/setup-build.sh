# scripts/setup-build.sh - sourced by test.sh and example.sh: configures a meson
# build directory quietly, but shows meson's own error when that fails and never
# leaves a half-made directory behind for the next run to trip over.
# SPDX-License-Identifier: BSD-2-Clause

# setup_build DIR [MESON_OPTION...]: a fresh setup, or a reconfigure of a build
# directory meson made before; exits with meson's output on stderr if it fails.
setup_build() {
  local dir=$1 log
  shift
  local args=("$dir")
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    args=(--reconfigure "$dir")
  elif [ -d "$dir" ]; then
    # What a failed first setup leaves: meson's logs, but no configuration.
    if [ -n "$(find "$dir" -mindepth 1 -maxdepth 1 ! -name 'meson-*' ! -name '.*ignore' -print -quit)" ]; then
      echo "$0: $dir exists but is not a meson build directory; move it away" >&2
      exit 1
    fi
    rm -rf "$dir"
  fi
  if ! log=$(meson setup "${args[@]}" "$@" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "$0: meson setup $dir failed (meson's output above)" >&2
    [ "${args[0]}" = --reconfigure ] || rm -rf "$dir"
    exit 1
  fi
}

# quiet_build DIR: ninja -C DIR, showing its output only when the build fails.
quiet_build() {
  local log
  if ! log=$(ninja -C "$1" 2>&1); then
    printf '%s\n' "$log" >&2
    echo "$0: ninja -C $1 failed (output above)" >&2
    exit 1
  fi
}
