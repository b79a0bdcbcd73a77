/*
 * A per-CPU run queue: one FIFO per priority and a bitmap of the non-empty
 * ones, so picking the best ready thread is a count-leading-zeros away.
 * Priority 0 is the highest. Pure data structure: the caller holds the lock.
 */
#ifndef TANDEM_RUNQ_H
#define TANDEM_RUNQ_H

#include <tandem/list.h>

#define K_NUM_PRIO	32		/* thread priorities 0 (highest) .. 31 */
#define K_IDLE_PRIO	K_NUM_PRIO	/* idle threads: below every other */

struct runq {
	uint32_t bitmap;		/* bit p set: q[p] non-empty */
	unsigned count;
	struct list_node q[K_NUM_PRIO];
};

void runq_init(struct runq *rq);
void runq_add_tail(struct runq *rq, struct list_node *n, int prio);
void runq_add_head(struct runq *rq, struct list_node *n, int prio);
/* prio must be the one the node was added with. */
void runq_remove(struct runq *rq, struct list_node *n, int prio);
/* Highest priority present, or K_IDLE_PRIO when empty. */
int runq_best_prio(const struct runq *rq);
/* First node at the best priority (without removing it), or NULL. */
struct list_node *runq_best(const struct runq *rq);
/* Whether any node is queued at priority prio (false outside 0..31). */
bool runq_has_prio(const struct runq *rq, int prio);

#endif
