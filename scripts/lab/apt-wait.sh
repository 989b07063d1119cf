#!/usr/bin/env bash
# Waits (with a bound) for another apt or dpkg run to let go of its locks, saying so, before this
# script's own apt-get. Right after boot unattended-upgrades or cloud-init often holds them.
#   apt_wait             wait up to $DIALER_APT_WAIT seconds (default 300); 1 if still held
#   apt_get ARGS…        apt_wait, then apt-get with dpkg's own lock wait set to the same bound
# Sourced by scripts/lab/lab.sh and scripts/browser-deps. APT_LOCK_FILES overrides the files (tests).

APT_LOCK_FILES="${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}"

# The PIDs holding any of the lock files open, one line "PID NAME" each (none: empty).
apt_lock_holders() {
  local f pids pid
  for f in $APT_LOCK_FILES; do
    [[ -e $f ]] || continue
    if command -v fuser >/dev/null; then
      pids="$(fuser "$f" 2>/dev/null || true)"
    else
      # No psmisc: any process with the file open, from /proc.
      pids="$(find /proc/[0-9]*/fd -lname "$f" 2>/dev/null | cut -d/ -f3 | sort -u || true)"
    fi
    for pid in $pids; do
      [[ $pid == "$$" ]] && continue
      printf '%s %s\n' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo '?')"
    done
  done | sort -u
}

apt_wait() {
  local bound="${DIALER_APT_WAIT:-300}" started=$SECONDS holders said=-30
  while holders="$(apt_lock_holders)" && [[ -n $holders ]]; do
    if ((SECONDS - started >= bound)); then
      printf '[apt] error: apt/dpkg still busy after %s s (%s); wait for it to finish or stop it, then run this again (DIALER_APT_WAIT sets the bound)\n' \
        "$bound" "$(echo "$holders" | paste -sd, | sed 's/,/, /g')" >&2
      return 1
    fi
    if ((SECONDS - said >= 30)); then
      printf '[apt] another package manager is running (%s); waiting for it, up to %s s …\n' \
        "$(echo "$holders" | paste -sd, | sed 's/,/, /g')" "$((bound - (SECONDS - started)))" >&2
      said=$SECONDS
    fi
    sleep 1
  done
  return 0
}

apt_get() {
  apt_wait || return 1
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="${DIALER_APT_WAIT:-300}" "$@"
}
