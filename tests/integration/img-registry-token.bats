#!/usr/bin/env bats
# Bearer token auth end to end: docker-registry with `auth: token:` and a
# tiny token server (img-registry-token-server.py: Basic credentials in, a
# JWT signed RS256 by openssl out, its certificate as x5c = the registry's
# rootcertbundle). login, pull, push with credentials; pull without them
# refused; one token fetch per scope.

load helpers
load img-registry-helpers

TOKEN_SERVICE=wharf-test-registry
TOKEN_ISSUER=wharf-test-issuer

setup_file() {
        local d=$IMG_CONF_DIR i
        img_registry_setup_file || return 1
        d=$IMG_CONF_DIR/token
        mkdir -p "$d"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
                -subj /CN=wharf-test-token >/dev/null 2>&1 || { wharf_fail "openssl req failed"; return 1; }
        python3 "$WHARF_SRCDIR/tests/integration/img-registry-token-server.py" "$d" alice:s3cret \
                </dev/null >"$d/log" 2>&1 3>&- &
        echo $! > "$d/pid"
        for ((i = 0; i < 100; i++)); do
                [ -s "$d/port" ] && break
                sleep 0.1
        done
        [ -s "$d/port" ] || { cat "$d/log" >&2; wharf_fail "the token server did not start"; return 1; }
        TOKEN_URL=http://127.0.0.1:$(cat "$d/port")/token
        TOKEN_REGISTRY=$(IMG_REGISTRY_AUTH="auth:
  token:
    realm: $TOKEN_URL
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $d/cert.pem" extra_registry_start token copy) || return 1
        export TOKEN_URL TOKEN_REGISTRY
}
teardown_file() {
        local pid
        pid=$(cat "$IMG_CONF_DIR/token/pid" 2>/dev/null) && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        img_registry_teardown_file
}
teardown() { wharf_teardown; }

requests() { cat "$IMG_CONF_DIR/token/requests" 2>/dev/null || true; }

@test "the registry challenges with Bearer and accepts the token server's tokens (curl)" {
        run curl --noproxy '*' -s -D - -o /dev/null "http://$TOKEN_REGISTRY/v2/"
        [[ $output == *"401"* ]]
        [[ $output == *"Bearer realm=\"$TOKEN_URL\",service=\"$TOKEN_SERVICE\""* ]] || { echo "$output"; false; }
        token=$(curl --noproxy '*' -sf -u alice:s3cret \
                "$TOKEN_URL?service=$TOKEN_SERVICE&scope=repository:library/busybox:pull" | jq -r .token)
        run curl --noproxy '*' -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
                -H "Accept: $MT_DOCKER_MANIFEST" "http://$TOKEN_REGISTRY/v2/library/busybox/manifests/latest"
        [ "$output" = 200 ] || { echo "registry answered $output"; tail -5 "$IMG_CONF_DIR/reg-token/log"; false; }
}

@test "pull without credentials: the registry's denial, one error line, nothing stored" {
        rm -rf "$DOCKER_CONFIG"
        wrun pull "$TOKEN_REGISTRY/library/busybox"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "pull access denied for $TOKEN_REGISTRY/library/busybox"
        ! images_has "$TOKEN_REGISTRY/library/busybox" latest
        # an anonymous token was asked for (docker does the same)
        requests | grep -q "^- repository:library/busybox:pull 200$" || { requests; false; }
}

@test "login with a wrong password fails at the token server" {
        rm -rf "$DOCKER_CONFIG"
        run --separate-stderr wharf login -u alice --password-stdin "$TOKEN_REGISTRY" <<< "wrong"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "unauthorized: incorrect username or password"
        [ ! -e "$DOCKER_CONFIG/config.json" ]
}

@test "login, then pull: one token fetch for the pull's scope" {
        rm -rf "$DOCKER_CONFIG"
        run --separate-stderr wharf login -u alice --password-stdin "$TOKEN_REGISTRY" <<< "s3cret"
        show_run login
        assert_status 0
        assert_output "Login Succeeded"
        : > "$IMG_CONF_DIR/token/requests"
        # whiteout: a manifest, a config and three layer blobs, all under one scope
        wrun pull "$TOKEN_REGISTRY/library/whiteout"
        assert_status 0
        images_has "$TOKEN_REGISTRY/library/whiteout" latest
        requests
        [ "$(requests | grep -c "^alice repository:library/whiteout:pull 200$")" = 1 ]
        [ "$(requests | wc -l)" = 1 ]
        wrun run --rm "$TOKEN_REGISTRY/library/whiteout" cat /data/b
        assert_status 0
}

@test "push to the token registry, then pull it back" {
        local target=$TOKEN_REGISTRY/alice/pushed:v1
        wharf_pull_ok "$REGISTRY/library/busybox"
        wrun tag "$REGISTRY/library/busybox" "$target"
        assert_status 0
        : > "$IMG_CONF_DIR/token/requests"
        wrun push "$target"
        assert_status 0
        assert_output_matches "v1: digest: sha256:[0-9a-f]{64}"
        requests | grep -q "^alice repository:alice/pushed:pull,push 200$" || { requests; false; }
        # the registry has it: another client (curl with a token) reads the tag
        token=$(curl --noproxy '*' -sf -u alice:s3cret \
                "$TOKEN_URL?service=$TOKEN_SERVICE&scope=repository:alice/pushed:pull" | jq -r .token)
        run curl --noproxy '*' -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
                -H "Accept: $MT_DOCKER_MANIFEST" "http://$TOKEN_REGISTRY/v2/alice/pushed/manifests/v1"
        [ "$output" = 200 ]
        wrun rmi "$target"
        wrun pull "$target"
        assert_status 0
        wrun run --rm "$target" echo pushed-ok
        assert_output pushed-ok
}
