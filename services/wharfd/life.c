/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "life.h"

int message_queue_push(MessageQueue *q, sd_bus_message *m) {
        sd_bus_message **l = realloc(q->items, (q->n + 1) * sizeof(sd_bus_message *));

        if (!l)
                return -ENOMEM;
        q->items = l;
        q->items[q->n++] = sd_bus_message_ref(m);
        return 0;
}

void message_queue_answer(MessageQueue *q, const char *error_name, const char *message) {
        for (size_t i = 0; i < q->n; i++) {
                if (error_name)
                        (void) sd_bus_reply_method_errorf(q->items[i], error_name, "%s", message);
                else
                        (void) sd_bus_reply_method_return(q->items[i], NULL);
        }
        message_queue_done(q);
}

void message_queue_done(MessageQueue *q) {
        for (size_t i = 0; i < q->n; i++)
                sd_bus_message_unref(q->items[i]);
        q->items = (free(q->items), NULL);
        q->n = 0;
}

ContainerLife *container_life(Container *c) {
        if (!c->life)
                c->life = calloc(1, sizeof(ContainerLife));
        return c->life;
}

ContainerLife *container_life_free(ContainerLife *l) {
        if (!l)
                return NULL;
        sd_event_source_disable_unref(l->stop_timer);
        sd_event_source_disable_unref(l->restart_timer);
        /* a container dropped with calls still waiting: they get an answer */
        /* a stopped container that got removed was stopped all the same */
        message_queue_answer(&l->stop_requests, NULL, NULL);
        message_queue_answer(&l->restart_requests, "org.wharf.Error.NoSuchContainer", "the container was removed");
        free(l);
        return NULL;
}
