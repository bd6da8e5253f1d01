#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft) for tests and the demo, from Maven Central jars.
#
#   scripts/kafka.sh up [--nodes 3]    start one node on 127.0.0.1:9092, or three on :19092 :19192 :19292
#   scripts/kafka.sh down [--nodes N]  stop the nodes (both set-ups unless --nodes) and remove the data
#   scripts/kafka.sh status            list the nodes and whether they answer
#   scripts/kafka.sh kill N            SIGKILL node N (its data stays)
#   scripts/kafka.sh restart N         start node N again on its data
#   scripts/kafka.sh pid HOST:PORT     the pid of the broker that listens there (any set-up)
#   scripts/kafka.sh tool CLASS ARGS   run one of Kafka's tools from the same jars
#   scripts/kafka.sh jars              only fetch the jars
#   scripts/kafka.sh specs             copy the protocol message specs from the kafka-clients jar
#                                      into scripts/kafka/message-specs/ (then: deno task gen)
#
# The nodes run Kafka's StandardAuthorizer (ACLs served and enforced); KAFKA_AUTHORIZER=0 with `up`
# starts them without one. KAFKA_RACKS=1 with `up` puts node N in rack rN with Kafka's
# RackAwareReplicaSelector (KIP-392: followers serve consumers in their rack).
#
# Security listeners beside PLAINTEXT, at fixed offsets from each node's client port P (P+1 is
# the controller), so every checkout's ports move together:
#   P+2 SASL_PLAINTEXT   P+3 SSL   P+4 SASL_SSL   P+5 MTLS (SSL that requires a client certificate)
# SASL mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER (unsecured JWS tokens,
# alg "none", any sub). Users (PLAIN and both SCRAMs): admin/admin-secret, alice/alice-secret,
# bob/bob-secret (admin and alice are super users, bob is the one ACLs limit).
# SCRAM-SHA-256 on the SASL_PLAINTEXT listener has a 3 s session lifetime
# (connections.max.reauth.ms), so clients must re-authenticate (KIP-368).
# TLS material (made with openssl once, kept in .kafka-harness/tls/): ca.pem, the CA to trust;
# client.pem + client.key, a client certificate (CN=alice) for MTLS; the broker's certificate
# names localhost and 127.0.0.1.
#
# Each node is a combined broker+controller with a static quorum. The single node and the
# three-node cluster are separate set-ups that may run side by side; kill, restart and status
# act on the cluster when it exists, else on the single node (`--nodes 1` or `--nodes 3` after
# the command chooses). The jars are fetched once into .kafka-harness/ (ignored by git); every
# `up` starts on fresh data. Small heap and few threads: the brokers share two cores with the tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.2.2}"
H="${KAFKA_HARNESS_DIR:-$ROOT/.kafka-harness}"
LIB="$H/lib-$KAFKA_VERSION"
CLUSTER_ID="${KAFKA_CLUSTER_ID:-X3cZpzWQoJf2VGIKurZZ9w}"
JAVA="${JAVA:-java}"
HEAP="${KAFKA_HEAP:--Xms128m -Xmx512m}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-150}"
# Ports may move (KAFKA_PORT, KAFKA_CLUSTER_PORT) so a second checkout can run its own brokers.
SINGLE_PORT="${KAFKA_PORT:-9092}"
CP="${KAFKA_CLUSTER_PORT:-19092}"
CLUSTER_PORTS=("$CP" $((CP + 100)) $((CP + 200)))
SETUP=""   # c1 or c3: the set-up a command acts on; see pick_setup

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

fetch_jars() {
  [ -f "$LIB/.complete" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIB"
  mkdir -p "$LIB"
  # The plugin is named by full coordinates: Maven 3.8's default dependency plugin is 2.8.
  mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB" >&2
  ls "$LIB"/kafka_2.13-"$KAFKA_VERSION".jar "$LIB"/kafka-tools-"$KAFKA_VERSION".jar >/dev/null \
    || die "Maven did not bring kafka_2.13 and kafka-tools"
  [ "$(ls "$LIB" | grep -c '^slf4j-api-')" = 1 ] || die "more than one slf4j-api jar: logging would be lost"
  touch "$LIB/.complete"
}

write_log4j() {
  mkdir -p "$H"
  cat > "$H/log4j2.properties" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d{HH:mm:ss.SSS}] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
EOF
}

jvm_flags() {
  # shellcheck disable=SC2086
  echo $HEAP -XX:+UseSerialGC -XX:CICompilerCount=2 \
    -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true -Djava.io.tmpdir="$H/tmp" \
    -Dlog4j2.configurationFile="$H/log4j2.properties"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_setup [1|3]: the set-up to act on; the cluster wins when both exist.
pick_setup() {
  case "${1:-}" in
    1) SETUP=c1 ;;
    3) SETUP=c3 ;;
    "") if [ -d "$H/c3" ]; then SETUP=c3; else SETUP=c1; fi ;;
    *) die "--nodes takes 1 or 3, not $1" ;;
  esac
}

# client_port N: node N's client port in the current set-up.
client_port() {
  if [ "$SETUP" = c1 ]; then echo $SINGLE_PORT; else echo "${CLUSTER_PORTS[$(($1 - 1))]}"; fi
}

node_conf() { # node_conf ID CLIENT_PORT CONTROLLER_PORT VOTERS RF
  local id=$1 p=$2 c=$3 voters=$4 rf=$5 d="$H/$SETUP/node$1"
  local minisr=$(($5 > 1 ? 2 : 1))
  mkdir -p "$d"
  cat > "$d/server.properties" <<CONF
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$p,CONTROLLER://127.0.0.1:$c,SASL_PLAINTEXT://127.0.0.1:$((p + 2)),SSL://127.0.0.1:$((p + 3)),SASL_SSL://127.0.0.1:$((p + 4)),MTLS://127.0.0.1:$((p + 5))
advertised.listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$((p + 2)),SSL://127.0.0.1:$((p + 3)),SASL_SSL://127.0.0.1:$((p + 4)),MTLS://127.0.0.1:$((p + 5))
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$minisr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$minisr
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$minisr
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
group.consumer.min.heartbeat.interval.ms=500
group.consumer.heartbeat.interval.ms=1000
group.consumer.min.session.timeout.ms=3000
group.consumer.session.timeout.ms=6000
# Share groups (KIP-932): the record lock's floor down from 15 s so a lock-timeout test waits
# about a second (tests set share.record.lock.duration.ms on their group), and heartbeats and
# sessions as short as the consumer groups' above.
group.share.min.record.lock.duration.ms=1000
group.share.min.heartbeat.interval.ms=500
group.share.heartbeat.interval.ms=1000
group.share.min.session.timeout.ms=3000
group.share.session.timeout.ms=6000
auto.create.topics.enable=true
num.network.threads=2
num.io.threads=2
background.threads=2
num.replica.fetchers=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=33554432
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
replica.lag.time.max.ms=5000
leader.imbalance.check.interval.seconds=10
# Tests write records with fixed timestamps (from 1970 and 2023) and read them back; a time
# retention check deletes every log whose records are all older than retention.ms, active
# segment included, so one that fell inside a test moved its log start. No test needs retention.
log.retention.check.interval.ms=86400000
CONF
  security_conf >> "$d/server.properties"
  # KAFKA_RACKS=1 with `up`: node N in rack rN, and followers serve the fetches of consumers in
  # their rack (KIP-392). Off by default: rack-aware placement and assignment change with it.
  if [ "${KAFKA_RACKS:-0}" = 1 ]; then
    cat >> "$d/server.properties" <<CONF
broker.rack=r$id
replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector
CONF
  fi
  # ACLs enforced (StandardAuthorizer) unless KAFKA_AUTHORIZER=0; PLAINTEXT clients are
  # User:ANONYMOUS, a super user, so everything else works as without one while ACL requests are
  # served and the authorization tests have a user to deny. admin and alice (by SASL, or CN=alice
  # by client certificate) are super users too; bob is not.
  if [ "${KAFKA_AUTHORIZER:-1}" = 1 ]; then
    cat >> "$d/server.properties" <<CONF
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:admin;User:alice;User:CN=alice
CONF
  fi
}

# The users every SASL mechanism knows (name:password).
USERS=(admin:admin-secret alice:alice-secret bob:bob-secret)

# security_conf: the SASL and TLS settings of the security listeners (see the header).
security_conf() {
  local l m plain="" u
  for u in "${USERS[@]}"; do plain+=" user_${u%%:*}=\"${u#*:}\""; done
  echo "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER"
  # JAAS is per listener and per mechanism on the broker: an unprefixed one is ignored.
  for l in sasl_plaintext sasl_ssl; do
    echo "listener.name.$l.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\"$plain;"
    for m in scram-sha-256 scram-sha-512; do
      echo "listener.name.$l.$m.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;"
    done
    echo "listener.name.$l.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"admin\";"
  done
  cat <<CONF
listener.name.sasl_plaintext.scram-sha-256.connections.max.reauth.ms=3000
ssl.keystore.type=PKCS12
ssl.keystore.location=$H/tls/broker.p12
ssl.keystore.password=harness
ssl.key.password=harness
listener.name.mtls.ssl.client.auth=required
listener.name.mtls.ssl.truststore.type=PKCS12
listener.name.mtls.ssl.truststore.location=$H/tls/truststore.p12
listener.name.mtls.ssl.truststore.password=harness
CONF
}

# make_tls: a CA, the broker's certificate (localhost, 127.0.0.1) and a client certificate
# (CN=alice) in $H/tls; made once, as EC keys are quick but a JVM for keytool is not.
make_tls() {
  local t="$H/tls"
  [ -f "$t/.complete" ] && return 0
  command -v openssl >/dev/null || die "openssl is needed to make the TLS listeners' certificates"
  rm -rf "$t"; mkdir -p "$t"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "$t"
    openssl req -x509 "${ec[@]}" -sha256 -days 3650 -subj "/CN=kanal harness CA" -keyout ca.key -out ca.pem \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req "${ec[@]}" -subj "/CN=localhost" -keyout broker.key -out broker.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' > broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile broker.ext -out broker.pem
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -out broker.p12 -passout pass:harness
    openssl req "${ec[@]}" -subj "/CN=alice" -keyout client.key -out client.csr
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile client.ext -out client.pem
    # A trust store of certificates only: Java's PKCS12 reader wants it from keytool.
    keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 \
      -storetype PKCS12 -storepass harness
  ) > "$t/make.log" 2>&1 || { cat "$t/make.log" >&2; die "making the TLS certificates failed"; }
  touch "$t/.complete"
}

format_node() {
  local id=$1 u m scram=()
  # SCRAM credentials live in the metadata log: written at format time, for every user.
  for u in "${USERS[@]}"; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do scram+=(--add-scram "$m=[name=${u%%:*},password=${u#*:}]"); done
  done
  # shellcheck disable=SC2046
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$H/tmp" \
    -Dlog4j2.configurationFile="$H/log4j2.properties" -cp "$LIB/*" \
    kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$H/$SETUP/node$id/server.properties" \
    "${scram[@]}" \
    > "$H/$SETUP/node$id/format.log" 2>&1 || { cat "$H/$SETUP/node$id/format.log" >&2; die "format of node $id failed"; }
}

# add_scram_users PORT: writes every user's SCRAM credentials again, through the broker at PORT.
# Those written at format time were seen to vanish from a single node killed and restarted after
# a long run (SCRAM logins then fail as invalid credentials); credentials altered at run time are
# ordinary metadata records and survive. Upserting them is harmless when they are still there.
add_scram_users() {
  local port=$1 u m pids=()
  # One mechanism a call: the broker refuses two alterations of one user in one request.
  for u in "${USERS[@]}"; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do
      "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true \
        -Djava.io.tmpdir="$H/tmp" -Dlog4j2.configurationFile="$H/log4j2.properties" -cp "$LIB/*" \
        kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$port" --alter \
        --add-config "$m=[password=${u#*:}]" --entity-type users --entity-name "${u%%:*}" \
        > "$H/tmp/scram-${u%%:*}-$m.log" 2>&1 &
      pids+=($!)
    done
  done
  for u in "${pids[@]}"; do
    wait "$u" || { cat "$H"/tmp/scram-*.log >&2; die "writing the SCRAM credentials failed"; }
  done
}

start_node() {
  local id=$1 d="$H/$SETUP/node$1"
  # shellcheck disable=SC2046
  nohup "$JAVA" $(jvm_flags) -cp "$LIB/*" kafka.Kafka "$d/server.properties" \
    >> "$d/server.log" 2>&1 < /dev/null &
  echo $! > "$d/pid"
}

wait_ready() { # wait_ready ID PORT
  local id=$1 port=$2 end=$((SECONDS + READY_TIMEOUT))
  until ! port_free "$port"; do
    if ! kill -0 "$(cat "$H/$SETUP/node$id/pid" 2>/dev/null)" 2>/dev/null; then
      tail -n 60 "$H/$SETUP/node$id/server.log" >&2
      die "node $id died while starting"
    fi
    if [ $SECONDS -ge $end ]; then
      tail -n 60 "$H/$SETUP/node$id/server.log" >&2
      die "node $id did not listen on 127.0.0.1:$port within ${READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
}

stop_node() { # stop_node ID [SIGNAL]
  local f="$H/$SETUP/node$1/pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  kill -"${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

nodes() { ls -d "$H/$SETUP"/node* 2>/dev/null | sed 's/.*node//' | sort -n; }

cmd_up() {
  local n=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) n="${2:?--nodes takes 1 or 3}"; shift 2 ;;
      --nodes=*) n="${1#--nodes=}"; shift ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  [ "$n" = 1 ] || [ "$n" = 3 ] || die "--nodes takes 1 or 3, not $n"
  command -v "$JAVA" >/dev/null || die "Java 17 is needed to run the broker"
  fetch_jars
  pick_setup "$n"
  down_setup
  write_log4j
  make_tls
  mkdir -p "$H/tmp" "$H/$SETUP"
  local ports=() voters="" id
  if [ "$n" = 1 ]; then
    ports=($SINGLE_PORT)
    voters="1@127.0.0.1:$((SINGLE_PORT + 1))"
  else
    ports=("${CLUSTER_PORTS[@]}")
    for id in 1 2 3; do voters+="${voters:+,}$id@127.0.0.1:$((ports[id - 1] + 1))"; done
  fi
  for id in $(seq 1 "$n"); do
    local p=${ports[$((id - 1))]}
    for q in $p $((p + 1)) $((p + 2)) $((p + 3)) $((p + 4)) $((p + 5)); do
      port_free "$q" || die "port $q (of $p to $((p + 5))) is busy: is another broker running?"
    done
  done
  for id in $(seq 1 "$n"); do
    local p=${ports[$((id - 1))]}
    node_conf "$id" "$p" $((p + 1)) "$voters" "$n"
    format_node "$id" &
  done
  wait
  for id in $(seq 1 "$n"); do start_node "$id"; done
  for id in $(seq 1 "$n"); do wait_ready "$id" "${ports[$((id - 1))]}"; done
  add_scram_users "${ports[0]}"
  local list=""
  for p in "${ports[@]}"; do list+="${list:+,}127.0.0.1:$p"; done
  log "up: $n node(s), KAFKA_BROKERS=$list"
  echo "$list"
}

down_setup() {
  local id
  for id in $(nodes); do stop_node "$id"; done
  rm -rf "${H:?}/$SETUP"
}

cmd_down() {
  case "${1:-}" in
    --nodes) pick_setup "${2:-}"; down_setup ;;
    "") for SETUP in c1 c3; do down_setup; done ;;
    *) die "unknown option for down: $1" ;;
  esac
}

cmd_status() {
  local id any=0
  for SETUP in c1 c3; do
  for id in $(nodes); do
    any=1
    local port pid state
    port=$(client_port "$id")
    pid=$(cat "$H/$SETUP/node$id/pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      if port_free "$port"; then state="starting"; else state="up"; fi
    else
      state="down"
    fi
    printf '%s node %s  127.0.0.1:%s  %s%s\n' "$SETUP" "$id" "$port" "$state" "${pid:+  pid $pid}"
  done
  done
  [ $any = 1 ] || { echo "no nodes"; return 1; }
}

# parse_node ARGS: sets NODE and SETUP from "N [--nodes 1|3]".
parse_node() {
  NODE="${1:?takes a node number}"
  if [ "${2:-}" = --nodes ]; then pick_setup "${3:-}"; else pick_setup; fi
  [ -d "$H/$SETUP/node$NODE" ] || die "no node $NODE in the ${SETUP#c}-node set-up"
}

cmd_kill() {
  parse_node "$@"
  local id=$NODE
  stop_node "$id" KILL
  log "node $id killed"
}

cmd_restart() {
  parse_node "$@"
  local id=$NODE
  stop_node "$id"
  start_node "$id"
  wait_ready "$id" "$(client_port "$id")"
  add_scram_users "$(client_port "$id")"
  log "node $id restarted"
}

# cmd_pid HOST:PORT: the pid of the broker serving that address. A harness node is found by the
# port in its listeners; any other broker on this machine by the process that listens there.
cmd_pid() {
  local addr="${1:?pid takes HOST:PORT}" port conf pid
  port="${addr##*:}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "pid takes HOST:PORT, not $addr"
  for conf in "$H"/c*/node*/server.properties; do
    [ -f "$conf" ] || continue
    if grep -q "^listeners=PLAINTEXT://[^,]*:$port," "$conf"; then
      pid=$(cat "$(dirname "$conf")/pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
    fi
  done
  pid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o "pid=[0-9]*" | head -n 1 | cut -d= -f2 || true)
  [ -n "$pid" ] || die "no process listens on port $port"
  echo "$pid"
}

cmd_tool() {
  local class="${1:?tool takes a class name, e.g. org.apache.kafka.tools.ConsoleProducer}"
  shift
  case "$class" in
    *.*) ;;
    ConsoleConsumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    ConsumerGroupCommand) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    StorageTool) class=kafka.tools.StorageTool ;;
    ConfigCommand) class=kafka.admin.ConfigCommand ;;
    *) class="org.apache.kafka.tools.$class" ;;
  esac
  fetch_jars
  [ -f "$H/log4j2.properties" ] || write_log4j
  mkdir -p "$H/tmp"
  exec "$JAVA" -Xmx384m -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true \
    -Djava.io.tmpdir="$H/tmp" -Dlog4j2.configurationFile="$H/log4j2.properties" \
    -cp "$LIB/*" "$class" "$@"
}

# cmd_specs: replaces scripts/kafka/message-specs/ with common/message/*.json (and the format's
# README) from the kafka-clients jar of KAFKA_VERSION, plus the jar's LICENSE and NOTICE, and
# writes the folder's README naming the version. Run `deno task gen` afterwards.
cmd_specs() {
  local jar="$LIB/kafka-clients-$KAFKA_VERSION.jar" dest="$ROOT/scripts/kafka/message-specs"
  fetch_jars
  [ -f "$jar" ] || die "no $jar: Maven did not bring kafka-clients"
  local tmp n
  tmp="$(mktemp -d)"
  if command -v unzip >/dev/null; then
    unzip -q "$jar" 'common/message/*' LICENSE NOTICE -d "$tmp"
  elif command -v jar >/dev/null; then
    (cd "$tmp" && jar xf "$jar" common/message LICENSE NOTICE)
  else
    rm -rf "$tmp"
    die "unzip or jar (from the JDK) is needed to read $jar"
  fi
  n=$(find "$tmp/common/message" -maxdepth 1 -name '*.json' | wc -l)
  if [ "$n" -eq 0 ]; then rm -rf "$tmp"; die "$jar holds no common/message/*.json"; fi
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$tmp"/common/message/*.json "$dest/"
  cp "$tmp/common/message/README.md" "$dest/README.upstream.md"
  cp "$tmp/LICENSE" "$tmp/NOTICE" "$dest/"
  rm -rf "$tmp"
  cat > "$dest/README.md" <<EOF
# Kafka's protocol message specs

Apache Kafka's JSON definitions of its protocol messages, copied unchanged from
\`common/message/*.json\` in \`org.apache.kafka:kafka-clients:$KAFKA_VERSION\` (the
\`kafka-clients-$KAFKA_VERSION.jar\` that \`scripts/kafka.sh\` fetches from Maven Central).
\`README.upstream.md\` is that folder's \`README.md\`: Kafka's description of the format.

They are Apache Kafka's work under the Apache License 2.0 (\`LICENSE\` and \`NOTICE\` come from the
same jar); kanal's own code is MIT-licensed. Do not edit them by hand.

\`scripts/gen-protocol.ts\` (\`deno task gen\`) turns them into \`lib/protocol/messages/\`, and
\`scripts/check-generated.sh\` checks that the committed code matches them.

To refresh them, or to move to another Kafka version:

    KAFKA_VERSION=$KAFKA_VERSION scripts/kafka.sh specs
    deno task gen

The first replaces this folder from the jar of that version (fetching it when missing), the
second regenerates \`lib/protocol/messages/\`; then follow the header of \`scripts/gen-protocol.ts\`.
EOF
  log "copied $n specs from $jar into $dest; now run: deno task gen"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  kill) shift; cmd_kill "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  pid) shift; cmd_pid "$@" ;;
  tool) shift; cmd_tool "$@" ;;
  jars) fetch_jars ;;
  specs) cmd_specs ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
