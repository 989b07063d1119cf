#!/usr/bin/env bash
# The telephony lab: a real Asterisk 22 (Debian sid root) on loopback, a SIPp "carrier" playing
# customers and a SIPp softphone playing agents; next to it a real FreeSWITCH 1.11.1 with its own
# SIPp carrier and phones (scripts/lab/freeswitch.sh). See docs/lab.md.
#   scripts/lab/lab.sh up       build (if needed) and start everything; safe to run twice
#   scripts/lab/lab.sh down     stop what `up` started, by PID
#   scripts/lab/lab.sh status   what is running
#   scripts/lab/lab.sh build    build the Asterisk root only
#   scripts/lab/lab.sh env      print the lab's connection settings (no secrets)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
LAB_HOME="${DIALER_LAB_HOME:-/var/cache/dialer-lab}"
STATE="$LAB_HOME/state"
RUN="$STATE/run"
MIRROR="${DIALER_LAB_MIRROR:-http://deb.debian.org/debian}"
PKG_HASH="$(sha256sum "$HERE/packages.txt" | cut -c1-12)"
ROOT="$LAB_HOME/root-$PKG_HASH"
AGENTS="${DIALER_LAB_AGENTS:-12}"
CARRIER_PORT=5090
PHONE_PORT=5080

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/lab/freeswitch.sh
source "$HERE/freeswitch.sh"
# shellcheck source=scripts/lab/logs.sh
source "$HERE/logs.sh"
# shellcheck source=scripts/lab/apt-wait.sh
source "$HERE/apt-wait.sh"

[[ $EUID -eq 0 ]] || die "the lab needs root (chroot, apt-get); run it as root"

need_host_packages() {
  local missing=()
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v sipp >/dev/null || missing+=(sip-tester)
  command -v sox >/dev/null || missing+=(sox)
  command -v curl >/dev/null || missing+=(curl)
  command -v espeak-ng >/dev/null || missing+=(espeak-ng)
  if ((${#missing[@]})); then
    log "installing host packages: ${missing[*]}"
    apt_get update -qq >/dev/null
    apt_get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_services() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  for _ in $(seq 1 50); do
    pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "PostgreSQL or Redis did not come up on 127.0.0.1"
}

build_root() {
  if [[ -x "$ROOT/usr/sbin/asterisk" ]]; then
    log "Asterisk root cached at $ROOT"
    return 0
  fi
  need_host_packages
  local tmp="$LAB_HOME/build-$PKG_HASH.$$"
  mkdir -p "$LAB_HOME"
  rm -rf "$tmp"
  log "building Asterisk root from Debian sid into $ROOT (about a minute)"
  local started=$SECONDS
  mmdebstrap --quiet --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$(paste -sd, "$HERE/packages.txt")" sid "$tmp" "$MIRROR" >&2
  # Debian does not create the recording spool; ARI bridge recording fails without it.
  mkdir -p "$tmp/var/spool/asterisk/recording" "$tmp/var/spool/asterisk/monitor"
  chroot "$tmp" chown -R asterisk:asterisk /var/spool/asterisk
  mv "$tmp" "$ROOT"
  # Old roots from another package list are no longer used.
  find "$LAB_HOME" -maxdepth 1 -name 'root-*' ! -path "$ROOT" -exec rm -rf {} +
  log "built in $((SECONDS - started)) s"
}

secret() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }

ensure_secrets() {
  mkdir -p "$STATE" && chmod 700 "$STATE"
  if [[ ! -s "$STATE/secrets.env" ]]; then
    (umask 077 && { echo "ARI_PASSWORD=$(secret)"; echo "AMI_SECRET=$(secret)"; } >"$STATE/secrets.env")
  fi
  # Added with FreeSWITCH: appended to a secrets file from before.
  for v in ESL_PASSWORD FS_DEFAULT_PASSWORD; do
    grep -q "^$v=" "$STATE/secrets.env" || (umask 077 && echo "$v=$(secret)" >>"$STATE/secrets.env")
  done
  # shellcheck disable=SC1091
  source "$STATE/secrets.env"
  # One file per secret, for the dialer's *File config keys (the embedded defaults use these).
  (umask 077 && mkdir -p "$STATE/secrets" && printf '%s' "$ARI_PASSWORD" >"$STATE/secrets/ari-password" \
    && printf '%s' "$AMI_SECRET" >"$STATE/secrets/ami-secret" \
    && printf '%s' "$ESL_PASSWORD" >"$STATE/secrets/esl-password")
}

make_media() {
  local m="$STATE/media"
  [[ -s "$m/agent.wav" && -s "$m/customer.wav" && -s "$m/machine.wav" && -s "$m/supervisor.wav" ]] && return 0
  mkdir -p "$m"
  # Customer: 0.8 s of 440 Hz then 2.2 s of silence, a "hello?" pattern AMD calls HUMAN.
  sox -n -r 8000 -c 1 -e u-law "$m/customer.wav" synth 0.8 sine 440 vol 0.5 pad 0 2.2
  # Machine: a 4.8 s greeting of bursts (LONGGREETING), a 1 kHz beep, then silence.
  sox -n -r 8000 -c 1 -e u-law "$m/machine-burst.wav" synth 0.6 sine 440 vol 0.5 pad 0 0.2
  sox -n -r 8000 -c 1 -e u-law "$m/machine-beep.wav" synth 0.5 sine 1000 vol 0.5 pad 0 5
  sox "$m/machine-burst.wav" "$m/machine-burst.wav" "$m/machine-burst.wav" "$m/machine-burst.wav" \
    "$m/machine-burst.wav" "$m/machine-burst.wav" "$m/machine-beep.wav" "$m/machine.wav"
  rm -f "$m/machine-burst.wav" "$m/machine-beep.wav"
  # Agent: a steady 1 kHz tone, so a recording shows both parties (440 Hz and 1 kHz).
  sox -n -r 8000 -c 1 -e u-law "$m/agent.wav" synth 10 sine 1000 vol 0.5
  # Supervisor: a steady 2 kHz tone, so a recording shows who heard a whisper.
  sox -n -r 8000 -c 1 -e u-law "$m/supervisor.wav" synth 10 sine 2000 vol 0.5
}

# The identification message played to a customer no agent could take within 2 s: it names
# the seller and an opt-out number (FTC/Ofcom). A deployment records its own (see README).
make_id_message() {
  # sounds/custom is Debian's link to /usr/local/share/asterisk/sounds: "sound:custom/…".
  local dir="$ROOT/usr/local/share/asterisk/sounds"
  [[ -s "$dir/dialer-id-message.wav" ]] && return 0
  mkdir -p "$dir"
  espeak-ng -w "$STATE/id-message-raw.wav" \
    "This call was from Dialer Lab. We are sorry we could not connect you. To stop these calls, call 5 5 5, 0 1 0 0." 2>/dev/null
  sox "$STATE/id-message-raw.wav" -r 8000 -c 1 -b 16 "$dir/dialer-id-message.wav"
  rm -f "$STATE/id-message-raw.wav"
}

# Asterisk looks up the machine's own host name to find its address (acl.c ast_find_ourip), and
# A.ROOT-SERVERS.NET when that fails. The chroot has no /etc/hosts, so every lookup went to a
# resolver this network cannot reach: most failed at once, some stalled an originate for 5 s.
write_hosts() {
  printf '127.0.0.1 localhost\n127.0.0.1 %s\n::1 localhost ip6-localhost\n' "$(hostname)" >"$ROOT/etc/hosts"
}

write_config() {
  write_hosts
  local etc="$ROOT/etc/asterisk"
  local agents=""
  for i in $(seq 1 "$AGENTS"); do
    agents+="[agent$i](lab-agent)"$'\n'"aors=agent$i"$'\n'$'\n'
    agents+="[agent$i](lab-agent-aor)"$'\n'"contact=sip:agent$i@127.0.0.1:$PHONE_PORT"$'\n'$'\n'
  done
  for i in 1 2; do
    agents+="[supervisor$i](lab-agent)"$'\n'"aors=supervisor$i"$'\n'$'\n'
    agents+="[supervisor$i](lab-agent-aor)"$'\n'"contact=sip:supervisor$i@127.0.0.1:$PHONE_PORT"$'\n'$'\n'
  done
  for f in "$REPO"/dialplan/asterisk/lab/*.conf; do
    local name; name="$(basename "$f")"
    if [[ $name == pjsip.conf ]]; then
      awk -v a="$agents" '{ if ($0 == "@AGENT_SECTIONS@") printf "%s", a; else print }' "$f" >"$etc/$name"
    else
      sed -e "s|@ARI_PASSWORD@|$ARI_PASSWORD|" -e "s|@AMI_SECRET@|$AMI_SECRET|" "$f" >"$etc/$name"
    fi
  done
  cp "$REPO/dialplan/asterisk/extensions_dialer.conf" "$etc/extensions_dialer.conf"
  # Readable by Asterisk only: ari.conf and manager.conf carry the lab's secrets.
  local written=(extensions_dialer.conf)
  for f in "$REPO"/dialplan/asterisk/lab/*.conf; do written+=("$(basename "$f")"); done
  (cd "$etc" && chmod 640 "${written[@]}")
  chroot "$ROOT" sh -c "cd /etc/asterisk && chown root:asterisk ${written[*]}"
}

running() { [[ -s "$RUN/$1.pid" ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

start_asterisk() {
  if running asterisk; then
    log "Asterisk already running (pid $(cat "$RUN/asterisk.pid")); reloading config"
    chroot "$ROOT" /usr/sbin/asterisk -rx 'core reload' >/dev/null 2>&1 || true
    return 0
  fi
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mkdir -p "$ROOT/run/asterisk" "$ROOT/var/spool/asterisk/recording"
  chroot "$ROOT" chown asterisk:asterisk /run/asterisk /var/spool/asterisk/recording
  rm -f "$ROOT/run/asterisk/asterisk.ctl"
  setsid chroot "$ROOT" /usr/sbin/asterisk -f -U asterisk -G asterisk >"$STATE/asterisk.out" 2>&1 </dev/null &
  echo $! >"$RUN/asterisk.pid"
  log "Asterisk started (pid $!)"
}

wait_for_ari() {
  for _ in $(seq 1 150); do
    if curl -fs -o /dev/null -u "dialer:$ARI_PASSWORD" http://127.0.0.1:8088/ari/asterisk/info; then
      return 0
    fi
    running asterisk || die "Asterisk exited; see $STATE/asterisk.out and $ROOT/var/log/asterisk/messages.log"
    sleep 0.2
  done
  die "ARI did not answer on 127.0.0.1:8088 within 30 s"
}

start_sipp() { # name scenario sip-port media-port
  local name=$1 port=$3 scenario="$STATE/$1.xml"
  sed "s|@MEDIA_DIR@|$STATE/media|g" "$HERE/sipp/$2" >"$scenario.next"
  if running "$name"; then
    # A running peer keeps its scenario; restart it only when the project's scenario changed.
    if cmp -s "$scenario.next" "$scenario"; then rm -f "$scenario.next"; return 0; fi
    log "SIPp $name: scenario changed, restarting it"
    stop_pid "$name"
  fi
  mv "$scenario.next" "$scenario"
  # SIPp truncates its logs at start: keep the last run's as <file>.1 (docs/lab.md).
  keep_previous_log "$STATE/$name.messages.log" "$STATE/$name.errors.log"
  setsid sipp -sf "$scenario" -i 127.0.0.1 -p "$port" -mi 127.0.0.1 \
    -mp "$4" -nostdin -trace_err -error_file "$STATE/$name.errors.log" \
    -trace_msg -message_file "$STATE/$name.messages.log" \
    >"$STATE/$name.out" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  log "SIPp $name on 127.0.0.1:$port (pid $!)"
}

write_env() {
  (umask 077 && cat >"$STATE/lab.json") <<JSON
{
  "root": "$ROOT",
  "ari": { "url": "http://127.0.0.1:8088", "username": "dialer", "password": "$ARI_PASSWORD", "app": "dialer" },
  "ami": { "host": "127.0.0.1", "port": 5038, "username": "dialer", "secret": "$AMI_SECRET" },
  "carrierEndpoint": "lab-carrier",
  "recordingSpool": "$ROOT/var/spool/asterisk/recording",
  "monitorSpool": "$ROOT/var/spool/asterisk/monitor",
  "agents": $AGENTS,
  "media": "$STATE/media",
  "carrierMessages": "$STATE/carrier.messages.log",
  "phonesMessages": "$STATE/phones.messages.log",
  $(fs_env_json)
}
JSON
}

stop_pid() { # name
  local f="$RUN/$1.pid"
  [[ -s $f ]] || return 0
  local pid; pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}

cmd_up() {
  need_host_packages
  ensure_services
  build_root
  ensure_secrets
  make_media
  make_id_message
  mkdir -p "$RUN"
  write_config
  start_asterisk
  wait_for_ari
  start_sipp carrier carrier.xml $CARRIER_PORT 40000
  start_sipp phones agent.xml $PHONE_PORT 45000
  fs_up
  write_env
  sleep 0.3
  running carrier || die "SIPp carrier exited; see $STATE/carrier.out"
  running phones || die "SIPp phones exited; see $STATE/phones.out"
  if [[ -z $FS_SKIPPED ]]; then
    running fs-carrier || die "SIPp fs-carrier exited; see $STATE/fs-carrier.out"
    running fs-phones || die "SIPp fs-phones exited; see $STATE/fs-phones.out"
  fi
  log "up: ARI http://127.0.0.1:8088, AMI 127.0.0.1:5038, carrier 127.0.0.1:$CARRIER_PORT, phones 127.0.0.1:$PHONE_PORT"
  [[ -n $FS_SKIPPED ]] || log "up: FreeSWITCH ESL 127.0.0.1:$FS_ESL_PORT, SIP 127.0.0.1:$FS_SIP_PORT, carrier 127.0.0.1:$FS_CARRIER_PORT, phones 127.0.0.1:$FS_PHONE_PORT"
  log "settings for tests: $STATE/lab.json"
}

# Processes of ours that are still alive: anything running inside the lab root (Asterisk and
# whatever it forked) or a SIPp started with one of the lab's scenario files.
leftovers() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $pid == "$$" ]] && continue
    if [[ "$(readlink "/proc/$pid/root" 2>/dev/null)" == "$ROOT" ]] || fs_owns_pid "$pid" ||
      { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "-sf $STATE/"; then
      echo "$pid"
    fi
  done
}

cmd_down() {
  fs_down
  stop_pid carrier
  stop_pid phones
  stop_pid asterisk
  if [[ -d $ROOT/proc ]] && mountpoint -q "$ROOT/proc"; then umount "$ROOT/proc" || umount -l "$ROOT/proc"; fi
  local left; left="$(leftovers | tr '\n' ' ')"
  [[ -z ${left// /} ]] || die "processes of the lab still running after down (pids: $left)"
  log "down: no lab process left"
}

cmd_status() {
  local rc=0
  local names=(asterisk carrier phones)
  [[ -n "$(fs_missing_reason)" ]] || names+=(freeswitch fs-carrier fs-phones)
  for n in "${names[@]}"; do
    if running "$n"; then echo "$n: running (pid $(cat "$RUN/$n.pid"))"; else echo "$n: stopped"; rc=3; fi
  done
  [[ -x "$ROOT/usr/sbin/asterisk" ]] && echo "root: $ROOT" || echo "root: not built"
  return $rc
}

cmd_env() { [[ -s "$STATE/lab.json" ]] && sed 's/"\(password\|secret\)": "[^"]*"/"\1": "***"/' "$STATE/lab.json"; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  build) need_host_packages; build_root ;;
  restart) cmd_down; cmd_up ;;
  env) cmd_env ;;
  *) echo "usage: scripts/lab up|down|status|build|restart|env" >&2; exit 2 ;;
esac
