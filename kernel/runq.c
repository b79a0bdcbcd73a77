/* Per-CPU run queues (see include/tandem/runq.h). */
#include <tandem/runq.h>

void runq_init(struct runq *rq)
{
	rq->bitmap = 0;
	rq->count = 0;
	for (int p = 0; p < K_NUM_PRIO; p++)
		list_init(&rq->q[p]);
}

void runq_add_tail(struct runq *rq, struct list_node *n, int prio)
{
	list_add_tail(&rq->q[prio], n);
	rq->bitmap |= 1U << prio;
	rq->count++;
}

void runq_add_head(struct runq *rq, struct list_node *n, int prio)
{
	list_add_head(&rq->q[prio], n);
	rq->bitmap |= 1U << prio;
	rq->count++;
}

void runq_remove(struct runq *rq, struct list_node *n, int prio)
{
	list_del(n);
	if (list_empty(&rq->q[prio]))
		rq->bitmap &= ~(1U << prio);
	rq->count--;
}

int runq_best_prio(const struct runq *rq)
{
	return rq->bitmap ? __builtin_ctz(rq->bitmap) : K_IDLE_PRIO;
}

struct list_node *runq_best(const struct runq *rq)
{
	int p = runq_best_prio(rq);

	return p == K_IDLE_PRIO ? NULL : rq->q[p].next;
}

bool runq_has_prio(const struct runq *rq, int prio)
{
	return prio >= 0 && prio < K_NUM_PRIO && (rq->bitmap & (1U << prio));
}
