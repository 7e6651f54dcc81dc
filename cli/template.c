/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "template.h"

typedef enum NodeType {
        NODE_TEXT,
        NODE_FIELD,   /* .A.B */
        NODE_JSON,    /* json .A */
        NODE_INDEX,   /* index .A "k" */
        NODE_UPPER,
        NODE_LOWER,
        NODE_LEN,
        NODE_LABEL,   /* .Label "k" */
} NodeType;

typedef struct Node {
        NodeType type;
        char *text;      /* NODE_TEXT */
        char **path;     /* field path, empty for "." */
        char *key;       /* index / Label key */
} Node;

struct Template {
        Node *nodes;
        size_t n_nodes;
        bool table;
};

static void node_done(Node *n) {
        free(n->text);
        strv_free(n->path);
        free(n->key);
}

Template *template_free(Template *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_nodes; i++)
                node_done(t->nodes + i);
        free(t->nodes);
        free(t);
        return NULL;
}

bool template_is_table(const Template *t) {
        return t->table;
}

static int add_node(Template *t, Node *n) {
        Node *l = realloc(t->nodes, (t->n_nodes + 1) * sizeof(Node));

        if (!l)
                return -ENOMEM;
        t->nodes = l;
        t->nodes[t->n_nodes++] = *n;
        *n = (Node) {};
        return 0;
}

static int set_error(char **ret_error, const char *format, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, format);
        if (vasprintf(&s, format, ap) < 0)
                s = NULL;
        va_end(ap);
        if (ret_error)
                *ret_error = s;
        else
                free(s);
        return -EINVAL;
}

/* Text with docker's "\t" / "\n" escapes turned into characters. */
static int add_text(Template *t, const char *s, size_t len) {
        Node n = { .type = NODE_TEXT };
        char *p;

        if (len == 0)
                return 0;
        n.text = malloc(len + 1);
        if (!n.text)
                return -ENOMEM;
        p = n.text;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 't' || s[i + 1] == 'n')) {
                        *p++ = s[i + 1] == 't' ? '\t' : '\n';
                        i++;
                } else
                        *p++ = s[i];
        }
        *p = 0;
        return add_node(t, &n);
}

/* words of an action: identifiers, .paths and "quoted strings" */
static int split_words(const char *s, char ***ret) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (;;) {
                const char *start;
                _cleanup_(freep) char *w = NULL;

                while (isspace((unsigned char) *s))
                        s++;
                if (!*s)
                        break;
                start = s;
                if (*s == '"') {
                        s++;
                        while (*s && *s != '"') {
                                if (*s == '\\' && s[1])
                                        s++;
                                s++;
                        }
                        if (*s != '"')
                                return -EINVAL;
                        s++;
                } else
                        while (*s && !isspace((unsigned char) *s))
                                s++;
                w = strndup(start, s - start);
                if (!w || strv_extend(&l, w) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int parse_path(const char *w, char ***ret) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        const char *p;

        if (!l)
                return -ENOMEM;
        if (w[0] != '.')
                return -EINVAL;
        if (streq(w, ".")) {
                *ret = TAKE_PTR(l);
                return 0;
        }
        p = w;
        while (*p == '.') {
                size_t n = strcspn(p + 1, ".");
                _cleanup_(freep) char *f = NULL;

                if (n == 0)
                        return -EINVAL;
                for (size_t i = 1; i <= n; i++)
                        if (!isalnum((unsigned char) p[i]) && p[i] != '_')
                                return -EINVAL;
                f = strndup(p + 1, n);
                if (!f || strv_extend(&l, f) < 0)
                        return -ENOMEM;
                p += n + 1;
        }
        if (*p)
                return -EINVAL;
        *ret = TAKE_PTR(l);
        return 0;
}

static char *unquote(const char *w) {
        size_t n = strlen(w);
        char *s, *p;

        if (n < 2 || w[0] != '"' || w[n - 1] != '"')
                return NULL;
        s = p = malloc(n);
        if (!s)
                return NULL;
        for (size_t i = 1; i < n - 1; i++) {
                if (w[i] == '\\' && i + 1 < n - 1)
                        i++;
                *p++ = w[i];
        }
        *p = 0;
        return s;
}

static int parse_action(Template *t, const char *action, char **ret_error) {
        _cleanup_(strv_freep) char **w = NULL;
        Node n = {};
        size_t k;
        int r;

        r = split_words(action, &w);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error(ret_error, "template: unterminated quoted string in \"{{%s}}\"", action);
        k = strv_length(w);
        if (k == 0)
                return set_error(ret_error, "template: missing value for command");

        if (k == 1 && w[0][0] == '.')
                n.type = NODE_FIELD;
        else if (k == 2 && streq(w[0], "json"))
                n.type = NODE_JSON;
        else if (k == 2 && streq(w[0], "upper"))
                n.type = NODE_UPPER;
        else if (k == 2 && streq(w[0], "lower"))
                n.type = NODE_LOWER;
        else if (k == 2 && streq(w[0], "len"))
                n.type = NODE_LEN;
        else if (k == 3 && streq(w[0], "index"))
                n.type = NODE_INDEX;
        else if (k == 2 && streq(w[0], ".Label"))
                n.type = NODE_LABEL;
        else if (w[0][0] != '.' && !streq(w[0], "json") && !streq(w[0], "index") && !streq(w[0], "upper") &&
                 !streq(w[0], "lower") && !streq(w[0], "len"))
                return set_error(ret_error, "template: function \"%s\" not defined", w[0]);
        else
                return set_error(ret_error, "template: wrong number of args in \"{{%s}}\"", action);

        if (n.type == NODE_LABEL) {
                n.path = strv_copy((char *[]) { (char *) "Labels", NULL });
                n.key = unquote(w[1]);
                if (!n.path || !n.key) {
                        node_done(&n);
                        return set_error(ret_error, "template: bad argument in \"{{%s}}\"", action);
                }
                return add_node(t, &n);
        }
        r = parse_path(n.type == NODE_FIELD ? w[0] : w[1], &n.path);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_error(ret_error, "template: bad field in \"{{%s}}\"", action);
        if (n.type == NODE_INDEX) {
                n.key = unquote(w[2]);
                if (!n.key) {
                        node_done(&n);
                        return set_error(ret_error, "template: index needs a quoted key in \"{{%s}}\"", action);
                }
        }
        r = add_node(t, &n);
        if (r < 0)
                node_done(&n);
        return r;
}

int template_parse(const char *text, Template **ret, char **ret_error) {
        _cleanup_(template_freep) Template *t = calloc(1, sizeof(Template));
        const char *p = text;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (!t)
                return -ENOMEM;
        if (startswith(p, "table")) {
                t->table = true;
                p += 5;
                while (*p == ' ')
                        p++;
        }
        for (;;) {
                const char *open = strstr(p, "{{"), *close, *a, *b;
                _cleanup_(freep) char *action = NULL;

                if (!open) {
                        r = add_text(t, p, strlen(p));
                        if (r < 0)
                                return r;
                        break;
                }
                r = add_text(t, p, open - p);
                if (r < 0)
                        return r;
                close = strstr(open + 2, "}}");
                if (!close)
                        return set_error(ret_error, "template: unclosed action");
                a = open + 2;
                b = close;
                /* trim markers {{- and -}} */
                if (*a == '-' && isspace((unsigned char) a[1]))
                        a++;
                if (b - a >= 2 && b[-1] == '-' && isspace((unsigned char) b[-2]))
                        b--;
                action = strndup(a, b - a);
                if (!action)
                        return -ENOMEM;
                r = parse_action(t, action, ret_error);
                if (r < 0)
                        return r;
                p = close + 2;
        }
        *ret = TAKE_PTR(t);
        return 0;
}

/* Go's fmt of interface values from JSON */

typedef struct Buf {
        char *s;
        size_t len, size;
        bool oom;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
        if (b->oom)
                return;
        if (b->len + n + 1 > b->size) {
                size_t size = MAX(b->size * 2, b->len + n + 64);
                char *p = realloc(b->s, size);
                if (!p) {
                        b->oom = true;
                        return;
                }
                b->s = p;
                b->size = size;
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = 0;
}

static void buf_puts(Buf *b, const char *s) {
        buf_add(b, s, strlen(s));
}

static char *buf_steal(Buf *b) {
        if (b->oom) {
                free(b->s);
                return NULL;
        }
        if (!b->s)
                return strdup("");
        return b->s;
}

static int key_compare(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

static void value_format(Buf *b, json_object *v) {
        char num[64];

        switch (json_object_get_type(v)) {
        case json_type_null:
                buf_puts(b, "<nil>");
                break;
        case json_type_boolean:
                buf_puts(b, json_object_get_boolean(v) ? "true" : "false");
                break;
        case json_type_int:
                snprintf(num, sizeof num, "%" PRId64, json_object_get_int64(v));
                buf_puts(b, num);
                break;
        case json_type_double:
                snprintf(num, sizeof num, "%g", json_object_get_double(v));
                buf_puts(b, num);
                break;
        case json_type_string:
                buf_add(b, json_object_get_string(v), json_object_get_string_len(v));
                break;
        case json_type_array:
                buf_puts(b, "[");
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        if (i > 0)
                                buf_puts(b, " ");
                        value_format(b, json_object_array_get_idx(v, i));
                }
                buf_puts(b, "]");
                break;
        case json_type_object: {
                size_t n = (size_t) json_object_object_length(v), k = 0;
                const char **keys = calloc(n + 1, sizeof(char *));

                if (!keys) {
                        b->oom = true;
                        break;
                }
                json_object_object_foreach(v, key, val) {
                        (void) val;
                        keys[k++] = key;
                }
                qsort(keys, k, sizeof(char *), key_compare);
                buf_puts(b, "map[");
                for (size_t i = 0; i < k; i++) {
                        json_object *e = NULL;
                        if (i > 0)
                                buf_puts(b, " ");
                        buf_puts(b, keys[i]);
                        buf_puts(b, ":");
                        json_object_object_get_ex(v, keys[i], &e);
                        value_format(b, e);
                }
                buf_puts(b, "]");
                free(keys);
                break;
        }
        }
}

char *template_value_to_string(json_object *v) {
        Buf b = {};

        value_format(&b, v);
        return buf_steal(&b);
}

/* the value at path; *found false for a missing key */
static json_object *lookup(json_object *data, char * const *path, bool *found, char **ret_error) {
        json_object *v = data;

        *found = true;
        STRV_FOREACH(p, path) {
                if (!json_object_is_type(v, json_type_object)) {
                        if (!v) {
                                set_error(ret_error, "template: nil pointer evaluating .%s", *p);
                                return NULL;
                        }
                        set_error(ret_error, "template: can't evaluate field %s", *p);
                        return NULL;
                }
                if (!json_object_object_get_ex(v, *p, &v)) {
                        *found = false;
                        return NULL;
                }
        }
        return v;
}

char *template_render(const Template *t, json_object *data, char **ret_error) {
        Buf b = {};

        if (ret_error)
                *ret_error = NULL;
        for (size_t i = 0; i < t->n_nodes; i++) {
                const Node *n = t->nodes + i;
                json_object *v;
                bool found;
                char *err = NULL;

                if (n->type == NODE_TEXT) {
                        buf_puts(&b, n->text);
                        continue;
                }
                if (n->type == NODE_LABEL && json_object_is_type(data, json_type_object) &&
                    json_object_object_get_ex(data, "Labels.map", &v))
                        found = true; /* ps rows keep the map aside: Labels is a string there */
                else
                        v = lookup(data, n->path, &found, &err);
                if (err) {
                        free(b.s);
                        if (ret_error)
                                *ret_error = err;
                        else
                                free(err);
                        return NULL;
                }
                if (!found && n->type != NODE_JSON && n->type != NODE_LABEL) {
                        buf_puts(&b, "<no value>");
                        continue;
                }
                switch (n->type) {
                case NODE_FIELD:
                        value_format(&b, v);
                        break;
                case NODE_JSON:
                        buf_puts(&b, found ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                                                JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
                        break;
                case NODE_UPPER:
                case NODE_LOWER: {
                        _cleanup_(freep) char *s = template_value_to_string(v);
                        if (!s) {
                                b.oom = true;
                                break;
                        }
                        for (char *p = s; *p; p++)
                                *p = n->type == NODE_UPPER ? toupper((unsigned char) *p) : tolower((unsigned char) *p);
                        buf_puts(&b, s);
                        break;
                }
                case NODE_LEN: {
                        char num[32];
                        size_t len;
                        if (json_object_is_type(v, json_type_array))
                                len = json_object_array_length(v);
                        else if (json_object_is_type(v, json_type_object))
                                len = (size_t) json_object_object_length(v);
                        else if (json_object_is_type(v, json_type_string))
                                len = (size_t) json_object_get_string_len(v);
                        else if (!v)
                                len = 0;
                        else {
                                free(b.s);
                                set_error(ret_error, "template: error calling len: len of type %s",
                                          json_type_to_name(json_object_get_type(v)));
                                return NULL;
                        }
                        snprintf(num, sizeof num, "%zu", len);
                        buf_puts(&b, num);
                        break;
                }
                case NODE_INDEX:
                case NODE_LABEL: {
                        json_object *e = NULL;
                        if (!found || !v) {
                                /* index of a nil map: the zero value */
                                if (n->type == NODE_INDEX)
                                        buf_puts(&b, "<no value>");
                                break;
                        }
                        if (!json_object_is_type(v, json_type_object)) {
                                free(b.s);
                                set_error(ret_error, "template: error calling index: cannot index %s with a string",
                                          json_type_to_name(json_object_get_type(v)));
                                return NULL;
                        }
                        if (json_object_object_get_ex(v, n->key, &e))
                                value_format(&b, e);
                        else if (n->type == NODE_INDEX)
                                buf_puts(&b, "<no value>");
                        break;
                }
                default:
                        break;
                }
        }
        return buf_steal(&b);
}

char *template_render_header(const Template *t, const char *(*header)(const char *field)) {
        Buf b = {};

        for (size_t i = 0; i < t->n_nodes; i++) {
                const Node *n = t->nodes + i;

                if (n->type == NODE_TEXT)
                        buf_puts(&b, n->text);
                else if (n->path && n->path[0] && n->type != NODE_LABEL)
                        buf_puts(&b, header(n->path[strv_length(n->path) - 1]));
                else if (n->type == NODE_LABEL)
                        buf_puts(&b, "LABEL");
        }
        return buf_steal(&b);
}
