/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "auth.h"
#include "bus-errors.h"
#include "http.h"
#include "log.h"
#include "login.h"
#include "macro.h"
#include "registry-api.h"

#define LOGIN_TIMEOUT_MS 15000U

typedef struct Login {
        Manager *manager;
        sd_bus_message *call;
        char *registry;
        char *url;
        Credentials creds;
        HttpRequest *request;
        TokenFetch *token;
        bool auth_tried;
} Login;

static void login_free(Login *l) {
        http_request_free(l->request);
        token_fetch_free(l->token);
        sd_bus_message_unref(l->call);
        credentials_done(&l->creds);
        free(l->registry);
        free(l->url);
        free(l);
}

_printf_(3, 4)
static void login_fail(Login *l, const char *name, const char *fmt, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        log_info("Login to %s failed: %s", l->registry, strempty(msg));
        (void) sd_bus_error_set(&e, name, msg ?: "out of memory");
        (void) sd_bus_reply_method_error(l->call, &e);
        login_free(l);
}

static void login_succeed(Login *l) {
        log_debug("Login to %s succeeded", l->registry);
        (void) sd_bus_reply_method_return(l->call, "s", "Login Succeeded");
        login_free(l);
}

static int login_request(Login *l);

static void login_on_token(const char *error, void *userdata) {
        Login *l = userdata;

        l->token = token_fetch_free(l->token);
        if (error)
                return login_fail(l, WHARF_ERROR_UNAUTHORIZED, "%s", error);
        /* a token issued for these credentials is what docker calls a login */
        login_succeed(l);
}

static void login_on_response(HttpRequest *h, void *userdata) {
        Login *l = userdata;
        int r;

        if (h->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(h);
                return login_fail(l, WHARF_ERROR_REGISTRY_UNREACHABLE, "Get \"%s\": %s", l->url, strempty(e));
        }
        if (h->status == 200)
                return login_succeed(l);
        if (h->status == 401 && !l->auth_tried && h->www_authenticate) {
                l->auth_tried = true;
                r = auth_challenge(l->manager, l->registry, NULL, &l->creds, h->www_authenticate,
                                   login_on_token, l, &l->token);
                if (r == 1) {
                        if (login_request(l) < 0)
                                login_fail(l, WHARF_ERROR_BACKEND_FAILED, "cannot start request");
                        return;
                }
                if (r >= 0) {
                        l->request = http_request_free(l->request);
                        return;
                }
                if (r == -EACCES)
                        return login_fail(l, WHARF_ERROR_UNAUTHORIZED, "unauthorized: authentication required");
        }
        if (h->status == 401 || h->status == 403)
                return login_fail(l, WHARF_ERROR_UNAUTHORIZED, "login attempt to %s failed with status: %ld %s",
                                  l->url, h->status, h->status == 401 ? "Unauthorized" : "Forbidden");
        login_fail(l, WHARF_ERROR_REGISTRY_UNREACHABLE, "login attempt to %s failed with status: %ld", l->url,
                   h->status);
}

static int login_request(Login *l) {
        _cleanup_(freep) char *auth = NULL;
        int r;

        l->request = http_request_free(l->request);
        auth = auth_header(l->manager, l->registry, NULL, &l->creds);
        r = http_request_new(l->manager->glue, l->url, NULL, auth, manager_plain_http_ok(l->manager, l->registry),
                             LOGIN_TIMEOUT_MS, &l->request);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (r < 0)
                return r;
        return http_request_start(l->request, login_on_response, l);
}

int login_start(Manager *m, sd_bus_message *call, const char *registry, Credentials *creds, sd_bus_error *error) {
        Login *l;
        int r;

        if (!registry_api_registry_is_valid(registry))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid registry \"%s\"", registry);
        if (!credentials_present(creds))
                return sd_bus_error_setf(error, WHARF_ERROR_UNAUTHORIZED, "no credentials given");

        l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->manager = m;
        l->creds = *creds;
        *creds = (Credentials) {};
        l->registry = strdup(registry);
        if (!l->registry ||
            asprintf(&l->url, "%s://%s/v2/", manager_plain_http_ok(m, registry) ? "http" : "https",
                     registry_api_host(registry)) < 0) {
                l->url = NULL;
                login_free(l);
                return -ENOMEM;
        }
        r = login_request(l);
        if (r < 0) {
                login_free(l);
                return r;
        }
        l->call = sd_bus_message_ref(call);
        return 1;
}
