/*
 * Timeouts: a deadline in counter ticks plus a callback, kept on a list
 * sorted by deadline (one list per CPU). Pure data structure: the caller
 * holds the scheduler lock.
 */
#ifndef TANDEM_TIMEOUT_H
#define TANDEM_TIMEOUT_H

#include <tandem/list.h>

struct timeout;
typedef void (*timeout_fn)(struct timeout *t);

struct timeout {
	struct list_node node;
	ticks_t deadline;
	timeout_fn fn;
};

static inline void timeout_init(struct timeout *t, timeout_fn fn)
{
	list_init(&t->node);
	t->deadline = 0;
	t->fn = fn;
}

static inline bool timeout_active(const struct timeout *t)
{
	return list_linked(&t->node);
}

/* Insert in deadline order; equal deadlines keep insertion (FIFO) order.
 * t must not be queued (remove it first to re-arm). */
void timeout_list_add(struct list_node *list, struct timeout *t, ticks_t deadline);
/* Remove if queued; returns whether it was. */
bool timeout_list_remove(struct timeout *t);
/* The earliest timeout, or NULL. */
struct timeout *timeout_list_first(const struct list_node *list);
/* Unlink and return the earliest timeout whose deadline <= now, or NULL. */
struct timeout *timeout_list_pop_expired(struct list_node *list, ticks_t now);

#endif
