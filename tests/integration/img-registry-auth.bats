#!/usr/bin/env bats
# wharf login / logout and pulls from a registry with htpasswd (Basic) auth:
# the docker client config file, its mode and other keys, credentials sent
# with pulls, one error line for a missing or wrong password.

load helpers
load img-registry-helpers

setup_file() {
        img_registry_setup_file || return 1
        htpasswd -Bbc "$IMG_CONF_DIR/htpasswd" alice s3cret >/dev/null 2>&1 || return 1
        AUTH_REGISTRY=$(extra_registry_start auth copy "$IMG_CONF_DIR/htpasswd") || return 1
        export AUTH_REGISTRY
}
teardown_file() { img_registry_teardown_file; }
teardown() { wharf_teardown; }

config() { echo "$DOCKER_CONFIG/config.json"; }

@test "the auth registry refuses anonymous clients" {
        run curl --noproxy '*' -s -o /dev/null -w '%{http_code}' "http://$AUTH_REGISTRY/v2/"
        [ "$output" = 401 ]
}

@test "pull without credentials: 401, one error line, nothing stored" {
        rm -rf "$DOCKER_CONFIG"
        wrun pull "$AUTH_REGISTRY/library/busybox"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "denied|unauthorized|authorization"
        ! images_has "$AUTH_REGISTRY/library/busybox" latest
}

@test "login with a wrong password: one error line, no file written" {
        rm -rf "$DOCKER_CONFIG"
        run --separate-stderr wharf login -u alice --password-stdin "$AUTH_REGISTRY" <<< "wrong"
        show_run login
        assert_failure
        assert_one_error_line
        assert_stderr_matches "401|unauthorized|incorrect"
        [ ! -e "$(config)" ]
}

@test "--password-stdin needs --username" {
        run --separate-stderr wharf login --password-stdin "$AUTH_REGISTRY" <<< "s3cret"
        assert_failure
        assert_one_error_line
        assert_stderr_matches "Must provide --username"
}

@test "login stores base64 user:pass with mode 0600 and keeps other keys" {
        rm -rf "$DOCKER_CONFIG"
        mkdir -p "$DOCKER_CONFIG"
        printf '{"auths":{"other.example:5000":{"auth":"eDp5"}},"psFormat":"table {{.ID}}","detachKeys":"ctrl-e,e"}\n' > "$(config)"
        chmod 0644 "$(config)"
        run --separate-stderr wharf login -u alice --password-stdin "$AUTH_REGISTRY" <<< "s3cret"
        show_run login
        assert_status 0
        assert_output "Login Succeeded"
        [ "$(stat -c %a "$(config)")" = 600 ] || { stat -c %a "$(config)"; false; }
        run jq -r --arg r "$AUTH_REGISTRY" '.auths[$r].auth' "$(config)"
        [ "$(echo "$output" | base64 -d)" = "alice:s3cret" ] || { echo "auth: $output"; false; }
        [ "$(jq -r '.psFormat' "$(config)")" = "table {{.ID}}" ]
        [ "$(jq -r '.detachKeys' "$(config)")" = "ctrl-e,e" ]
        [ "$(jq -r '.auths["other.example:5000"].auth' "$(config)")" = "eDp5" ]
}

@test "pull with stored credentials" {
        wrun pull "$AUTH_REGISTRY/library/busybox"
        assert_status 0
        images_has "$AUTH_REGISTRY/library/busybox" latest
        wrun rmi "$AUTH_REGISTRY/library/busybox"
        assert_status 0
}

@test "credentials written by the docker CLI (scheme, no 0600) are used" {
        rm -rf "$DOCKER_CONFIG"
        mkdir -p "$DOCKER_CONFIG"
        printf '{\n\t"auths": {\n\t\t"http://%s": {\n\t\t\t"auth": "%s"\n\t\t}\n\t}\n}\n' \
                "$AUTH_REGISTRY" "$(printf 'alice:s3cret' | base64)" > "$(config)"
        wrun pull "$AUTH_REGISTRY/library/busybox"
        assert_status 0
        wrun rmi "$AUTH_REGISTRY/library/busybox"
        assert_status 0
}

@test "stored but wrong credentials: the pull fails with one line" {
        rm -rf "$DOCKER_CONFIG"
        mkdir -p "$DOCKER_CONFIG"
        printf '{"auths":{"%s":{"auth":"%s"}}}' "$AUTH_REGISTRY" "$(printf 'alice:nope' | base64)" > "$(config)"
        wrun pull "$AUTH_REGISTRY/library/busybox"
        assert_failure
        assert_one_error_line
}

@test "run pulls with the stored credentials" {
        run --separate-stderr wharf login -u alice --password-stdin "$AUTH_REGISTRY" <<< "s3cret"
        assert_status 0
        wrun run --rm "$AUTH_REGISTRY/library/busybox" echo hello
        assert_status 0
        assert_output "hello"
        wrun rmi "$AUTH_REGISTRY/library/busybox"
        assert_status 0
}

@test "logout removes the entry and keeps the rest; a second logout says so" {
        jq '.psFormat = "x"' "$(config)" > "$(config).new" && mv "$(config).new" "$(config)"
        wrun logout "$AUTH_REGISTRY"
        assert_status 0
        assert_output "Removing login credentials for $AUTH_REGISTRY"
        [ "$(jq -r --arg r "$AUTH_REGISTRY" '.auths[$r]' "$(config)")" = null ]
        [ "$(jq -r '.psFormat' "$(config)")" = x ]
        [ "$(stat -c %a "$(config)")" = 600 ]
        wrun logout "$AUTH_REGISTRY"
        assert_status 0
        assert_output "Not logged in to $AUTH_REGISTRY"
        wrun pull "$AUTH_REGISTRY/library/busybox"
        assert_failure
}

@test "the daemons never log the password" {
        ! grep -r "s3cret" "$STATE/logs/"
        ! grep -r "$(printf 'alice:s3cret' | base64)" "$STATE/logs/"
}

@test "no leaks" {
        assert_no_leaks
}
