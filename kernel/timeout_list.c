/* The sorted timeout list (see include/tandem/timeout.h). */
#include <tandem/timeout.h>

void timeout_list_add(struct list_node *list, struct timeout *t, ticks_t deadline)
{
	struct list_node *pos;

	t->deadline = deadline;
	/* Walk from the tail: new timeouts are usually the latest. */
	for (pos = list->prev; pos != list; pos = pos->prev) {
		struct timeout *o = list_entry(pos, struct timeout, node);

		if (o->deadline <= deadline)
			break;
	}
	list_insert_between(&t->node, pos, pos->next);
}

bool timeout_list_remove(struct timeout *t)
{
	if (!timeout_active(t))
		return false;
	list_del(&t->node);
	return true;
}

struct timeout *timeout_list_first(const struct list_node *list)
{
	struct list_node *n = list_first(list);

	return n ? list_entry(n, struct timeout, node) : NULL;
}

struct timeout *timeout_list_pop_expired(struct list_node *list, ticks_t now)
{
	struct timeout *t = timeout_list_first(list);

	if (!t || t->deadline > now)
		return NULL;
	list_del(&t->node);
	return t;
}
