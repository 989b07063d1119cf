# The lab's FreeSWITCH (sourced by lab.sh): the prebuilt FreeSWITCH 1.11.1 bundle, unpacked under
# the lab home, running on 127.0.0.1 with its own conf dir and ports (SIP 5070, ESL 8031, RTP
# 32000–32999) next to Asterisk, with a SIPp carrier and SIPp phones of its own. See docs/lab.md.
# shellcheck shell=bash

FS_PREFIX=/opt/dialer-freeswitch # the bundle's --prefix: its RUNPATH and module dir point here
FS_STATE="$STATE/freeswitch"
FS_SIP_PORT=5070
FS_ESL_PORT=8031
FS_CARRIER_PORT=5092
FS_PHONE_PORT=5082
# Calls FreeSWITCH may start per second (stock switch.conf.xml: 30, which throttles the benchmark).
FS_SPS=200

# The folder holding the bundle: DIALER_FS_BUNDLE_DIR, else ../shared/freeswitch next to the
# repository (for a git worktree: next to the main checkout).
fs_bundle_dir() {
  if [[ -n ${DIALER_FS_BUNDLE_DIR:-} ]]; then echo "$DIALER_FS_BUNDLE_DIR"; return; fi
  local main
  main="$(cd "$REPO" && git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" || main=""
  for d in "$REPO/../shared/freeswitch" "${main%/.git}/../shared/freeswitch"; do
    [[ -d $d ]] && { (cd "$d" && pwd); return; }
  done
  echo "$REPO/../shared/freeswitch"
}

fs_tarball() { ls "$(fs_bundle_dir)"/dialer-freeswitch-*-bookworm-amd64.tar.xz 2>/dev/null | head -1; }

# Why the FreeSWITCH tier cannot run here (empty when it can).
fs_missing_reason() {
  [[ -n "$(fs_tarball)" ]] || { echo "no FreeSWITCH bundle in $(fs_bundle_dir) (set DIALER_FS_BUNDLE_DIR)"; return; }
  [[ -s "$(fs_bundle_dir)/runtime-packages.txt" ]] || echo "no runtime-packages.txt in $(fs_bundle_dir)"
}

apt_install() { # packages… (waits, with a bound, for another apt or dpkg to finish: apt-wait.sh)
  local tries=0
  until apt_get install -y -qq "$@" >/dev/null; do
    ((++tries < 3)) || die "apt-get install $* failed"
    log "apt-get install failed; updating the package lists and retrying"
    apt_get update -qq >/dev/null || true
  done
}

fs_install() {
  local bundle tarball sum home missing=()
  bundle="$(fs_bundle_dir)"
  tarball="$(fs_tarball)"
  for p in $(cat "$bundle/runtime-packages.txt"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing FreeSWITCH runtime packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  sum="$(sha256sum "$tarball" | cut -c1-12)"
  home="$LAB_HOME/freeswitch-$sum"
  if [[ ! -x $home$FS_PREFIX/bin/freeswitch ]]; then
    log "unpacking $(basename "$tarball") into $home"
    rm -rf "$home.tmp" && mkdir -p "$home.tmp"
    tar -C "$home.tmp" -xJf "$tarball"
    rm -rf "$home" && mv "$home.tmp" "$home"
    find "$LAB_HOME" -maxdepth 1 -name 'freeswitch-*' ! -path "$home" ! -name '*.tmp' -exec rm -rf {} +
  fi
  if [[ -e $FS_PREFIX && ! -L $FS_PREFIX ]]; then
    log "using the FreeSWITCH installed in $FS_PREFIX (not a link to the lab's copy)"
  elif [[ "$(readlink "$FS_PREFIX" 2>/dev/null)" != "$home$FS_PREFIX" ]]; then
    ln -sfn "$home$FS_PREFIX" "$FS_PREFIX"
  fi
  "$FS_PREFIX/bin/freeswitch" -version >/dev/null || die "$FS_PREFIX/bin/freeswitch does not run"
}

fs_agents_xml() {
  local users="" i
  for i in $(seq 1 "$AGENTS"); do users+="$(fs_user "agent$i")"$'\n'; done
  for i in 1 2; do users+="$(fs_user "supervisor$i")"$'\n'; done
  printf '<include>\n%s</include>\n' "$users"
}

fs_user() { # id: a directory user whose dial-string is the lab phone (no registration needed)
  printf '  <user id="%s">\n    <params>\n      <param name="dial-string" value="sofia/external/sip:%s@127.0.0.1:%s"/>\n    </params>\n  </user>' \
    "$1" "$1" "$FS_PHONE_PORT"
}

# The stock conf with the loopback overrides of the bundle's README, plus the project's files.
fs_write_conf() { # conf-dir
  local c=$1 src="$REPO/dialplan/freeswitch"
  rm -rf "$c" && cp -a "$FS_PREFIX/etc/freeswitch" "$c"
  sed -i -e 's|data="default_password=1234"/>|data="default_password='"$FS_DEFAULT_PASSWORD"'"/>\n  <X-PRE-PROCESS cmd="set" data="local_ip_v4=127.0.0.1"/>|' \
    -e 's|data="bind_server_ip=auto"|data="bind_server_ip=127.0.0.1"|' \
    -e 's|cmd="stun-set" data="external_rtp_ip=stun:stun.freeswitch.org"|cmd="set" data="external_rtp_ip=127.0.0.1"|' \
    -e 's|cmd="stun-set" data="external_sip_ip=stun:stun.freeswitch.org"|cmd="set" data="external_sip_ip=127.0.0.1"|' \
    -e "s|external_sip_port=5080|external_sip_port=$FS_SIP_PORT|; s|external_tls_port=5081|external_tls_port=5072|" \
    -e 's|internal_sip_port=5060|internal_sip_port=5071|; s|internal_tls_port=5061|internal_tls_port=5073|' "$c/vars.xml"
  sed -i -e 's|<!-- <param name="rtp-start-port" value="16384"/> -->|<param name="rtp-start-port" value="32000"/>|' \
    -e 's|<!-- <param name="rtp-end-port" value="32768"/> -->|<param name="rtp-end-port" value="32999"/>|' \
    -e "s|name=\"sessions-per-second\" value=\"30\"|name=\"sessions-per-second\" value=\"$FS_SPS\"|" \
    "$c/autoload_configs/switch.conf.xml"
  rm -rf "$c/sip_profiles/internal.xml" "$c/sip_profiles/internal-ipv6.xml" "$c/sip_profiles/external-ipv6"* \
    "$c/sip_profiles/external/example.xml" "$c/directory/default/example.com.xml"
  # The project's files: event socket, dialplan, conference profile, gateway, agents.
  sed -e "s|value=\"8021\"|value=\"$FS_ESL_PORT\"|" -e "s|CHANGE_ME|$ESL_PASSWORD|" \
    "$src/autoload_configs/event_socket.conf.xml" >"$c/autoload_configs/event_socket.conf.xml"
  cp "$src/dialplan/dialer.xml" "$c/dialplan/dialer.xml"
  mkdir -p "$c/dialer" && cp "$src/conference/dialer-profile.xml" "$c/dialer/conference-profile.xml"
  sed -i 's|<profiles>|&\n    <X-PRE-PROCESS cmd="include" data="dialer/conference-profile.xml"/>|' \
    "$c/autoload_configs/conference.conf.xml"
  sed "s|@CARRIER_PORT@|$FS_CARRIER_PORT|g" "$src/lab/lab-carrier.xml" >"$c/sip_profiles/external/lab-carrier.xml"
  fs_agents_xml >"$c/directory/default/dialer-agents.xml"
  chmod -R go-rwx "$c"
}

# The sounds the tests and the engine play, as 8 kHz 16-bit WAV under the stock sound_prefix
# ($${sounds_dir}/en/us/callie): Asterisk's core sounds converted, and the identification message.
fs_sounds() {
  local dir="$FS_STATE/sounds/en/us/callie" ast="$ROOT/usr/share/asterisk/sounds/en_US_f_Allison" s
  [[ -s "$dir/dialer-id-message.wav" && -s "$dir/digits/5.wav" && -s "$dir/silence/10.wav" ]] && return 0
  mkdir -p "$dir/digits" "$dir/silence"
  for s in beep hello-world demo-thanks vm-goodbye goodbye auth-thankyou vm-press please-try-again \
    vm-sorry you-entered digits/0 digits/1 digits/2 digits/3 digits/4 digits/5 digits/6 digits/7 \
    digits/8 digits/9 silence/10; do
    [[ -s "$ast/$s.gsm" ]] || die "missing Asterisk sound $ast/$s.gsm"
    sox "$ast/$s.gsm" -r 8000 -c 1 -b 16 "$dir/$s.wav"
  done
  cp "$ROOT/usr/local/share/asterisk/sounds/dialer-id-message.wav" "$dir/dialer-id-message.wav"
}

fs_cli() { "$FS_PREFIX/bin/fs_cli" -H 127.0.0.1 -P "$FS_ESL_PORT" -p "$ESL_PASSWORD" -t 5000 -x "$*"; }

fs_start() {
  local d=$FS_STATE
  mkdir -p "$d"/{log,db,run,certs,recordings/dialer,storage,cache,temp,sounds}
  fs_write_conf "$d/conf.next"
  if running freeswitch; then
    if diff -rq "$d/conf" "$d/conf.next" >/dev/null 2>&1; then
      rm -rf "$d/conf.next"
      log "FreeSWITCH already running (pid $(cat "$RUN/freeswitch.pid"))"
      return 0
    fi
    rm -rf "$d/conf" && mv "$d/conf.next" "$d/conf"
    log "FreeSWITCH already running (pid $(cat "$RUN/freeswitch.pid")); reloading its config"
    fs_cli reloadxml >/dev/null && fs_cli 'sofia profile external rescan' >/dev/null || true
    # switch.conf.xml is read at start only: its sessions-per-second is set live as well.
    fs_cli "fsctl sps $FS_SPS" >/dev/null || true
    return 0
  fi
  rm -rf "$d/conf" && mv "$d/conf.next" "$d/conf"
  setsid "$FS_PREFIX/bin/freeswitch" -nonat -nonatmap -nc -nf -conf "$d/conf" -log "$d/log" \
    -db "$d/db" -run "$d/run" -certs "$d/certs" -recordings "$d/recordings" -sounds "$d/sounds" \
    -storage "$d/storage" -cache "$d/cache" -temp "$d/temp" >"$STATE/freeswitch.out" 2>&1 </dev/null &
  echo $! >"$RUN/freeswitch.pid"
  log "FreeSWITCH started (pid $!)"
}

fs_wait() {
  for _ in $(seq 1 150); do
    if fs_cli 'sofia status gateway lab-carrier' 2>/dev/null | grep -q 'NOREG'; then return 0; fi
    running freeswitch || die "FreeSWITCH exited; see $STATE/freeswitch.out and $FS_STATE/log/freeswitch.log"
    sleep 0.2
  done
  die "FreeSWITCH's event socket and gateway were not ready on 127.0.0.1:$FS_ESL_PORT within 30 s"
}

# `lab up` for FreeSWITCH. Without the bundle: one line, and the rest of the lab runs — except
# under CI=true, where a missing FreeSWITCH tier fails the run.
fs_up() {
  local reason; reason="$(fs_missing_reason)"
  FS_SKIPPED=""
  if [[ -n $reason ]]; then
    [[ ${CI:-} == true ]] && die "FreeSWITCH tier cannot run: $reason (CI=true needs it)"
    log "FreeSWITCH tier skipped: $reason"
    FS_SKIPPED="$reason"
    return 0
  fi
  fs_install
  fs_sounds
  fs_start
  fs_wait
  start_sipp fs-carrier carrier.xml $FS_CARRIER_PORT 41000
  start_sipp fs-phones agent.xml $FS_PHONE_PORT 46000
}

fs_down() {
  stop_pid fs-carrier
  stop_pid fs-phones
  stop_pid freeswitch
}

# lab.json's "freeswitch" member (null with the reason when the tier is skipped).
fs_env_json() {
  if [[ -n $FS_SKIPPED ]]; then
    printf '"freeswitch": null,\n  "freeswitchSkipped": "%s"' "$FS_SKIPPED"
    return
  fi
  cat <<JSON
"freeswitch": {
    "esl": { "host": "127.0.0.1", "port": $FS_ESL_PORT, "password": "$ESL_PASSWORD" },
    "sipPort": $FS_SIP_PORT,
    "carrierGateway": "lab-carrier",
    "recordingDir": "$FS_STATE/recordings/dialer",
    "sounds": "$FS_STATE/sounds/en/us/callie",
    "log": "$FS_STATE/log/freeswitch.log",
    "carrierMessages": "$STATE/fs-carrier.messages.log",
    "phonesMessages": "$STATE/fs-phones.messages.log"
  }
JSON
}

# Is pid one of the lab FreeSWITCH's processes? (its executable lives in a lab unpack)
fs_owns_pid() {
  [[ "$(readlink "/proc/$1/exe" 2>/dev/null)" == "$LAB_HOME"/freeswitch-* ]]
}
