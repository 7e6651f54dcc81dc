# Helpers of the img-registry-*.bats files: more docker-registry instances
# (with htpasswd auth, as mirrors, as push targets), registries.conf, and
# restarting registryd so that it reads it again.
#
# Call img_registry_setup_file instead of wharf_setup_file: it points
# registryd at $IMG_CONF_DIR/registries.conf (WHARF_REGISTRIES_CONF,
# inherited through the stack's dbus-daemon) and makes a docker client
# config dir (DOCKER_CONFIG) of the test's own.

# shellcheck shell=bash

img_registry_setup_file() {
        IMG_CONF_DIR=$(mktemp -d /tmp/wharf-imgreg.XXXXXX) || return 1
        chmod 0755 "$IMG_CONF_DIR"
        export IMG_CONF_DIR WHARF_REGISTRIES_CONF=$IMG_CONF_DIR/registries.conf
        export DOCKER_CONFIG=$IMG_CONF_DIR/docker
        : > "$WHARF_REGISTRIES_CONF"
        wharf_setup_file "$@"
}

img_registry_teardown_file() {
        local d
        for d in "$IMG_CONF_DIR"/reg-*; do
                [ -d "$d" ] && extra_registry_stop "$d"
        done
        wharf_teardown_file
        [ -n "${IMG_CONF_DIR:-}" ] && rm -rf "$IMG_CONF_DIR"
}

# extra_registry_start NAME [copy|empty] [htpasswd FILE]: a docker-registry
# on a free loopback port with storage $IMG_CONF_DIR/reg-NAME/storage,
# either a copy of the fixtures registry's or empty. Prints host:port.
# With IMG_REGISTRY_ACCESSLOG=1 every request is logged in reg-NAME/log;
# IMG_REGISTRY_AUTH (YAML text) replaces the auth section.
extra_registry_start() {
        local name=$1 content=${2:-copy} htpasswd=${3:-} dir port pid i auth=${IMG_REGISTRY_AUTH:-}
        local accesslog_off=true
        [ "${IMG_REGISTRY_ACCESSLOG:-}" = 1 ] && accesslog_off=false
        dir=$IMG_CONF_DIR/reg-$name
        mkdir -p "$dir"
        if [ ! -d "$dir/storage" ]; then
                if [ "$content" = copy ]; then
                        cp -a "$WHARF_TMP/fixtures/registry/storage" "$dir/storage"
                else
                        mkdir -p "$dir/storage"
                fi
        fi
        if [ -n "$htpasswd" ]; then
                auth="auth:
  htpasswd:
    realm: wharf-test
    path: $htpasswd"
        fi
        port=$(cat "$dir/port" 2>/dev/null) || port=$(fixtures_free_port) || return 1
        cat > "$dir/config.yml" <<EOC
version: 0.1
log:
  level: warn
  accesslog:
    disabled: $accesslog_off
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  redirect:
    disable: true
$auth
http:
  addr: 127.0.0.1:$port
EOC
        "${DOCKER_REGISTRY:-/usr/bin/docker-registry}" serve "$dir/config.yml" </dev/null >>"$dir/log" 2>&1 3>&- &
        pid=$!
        echo "$pid" > "$dir/pid"
        echo "$port" > "$dir/port"
        for ((i = 0; i < 100; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                # 200 or 401: it answers
                if curl --noproxy '*' -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" 2>/dev/null |
                        grep -qE '^(200|401)$'; then
                        echo "127.0.0.1:$port"
                        return 0
                fi
                sleep 0.1
        done
        tail -n 20 "$dir/log" >&2
        return 1
}

extra_registry_stop() {
        local dir=$1 pid i
        pid=$(cat "$dir/pid" 2>/dev/null) || return 0
        rm -f "$dir/pid"
        tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -qF "$dir/config.yml" || return 0
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
}

# registryd reads registries.conf at start: stop it; the bus starts it
# again on the next call.
registryd_restart() {
        local out pid i
        out=$(busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" --timeout=5 call org.freedesktop.DBus \
                /org/freedesktop/DBus org.freedesktop.DBus GetConnectionUnixProcessID s org.wharf.Registry1 \
                2>/dev/null) || return 0
        pid=${out#u }
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
                [ -d "/proc/$pid" ] || break
                [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
                sleep 0.1
        done
}

# write registries.conf (stdin) and make registryd read it
registries_conf() {
        cat > "$WHARF_REGISTRIES_CONF"
        registryd_restart
}
