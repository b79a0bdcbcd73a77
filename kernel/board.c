/*
 * Board discovery: turns the DTB handed over in x0 into a struct board.
 * This file reads the model, the CPUs and the PSCI conduit and runs the
 * parts in order: memory (board_mem.c) and devices (board_dev.c), on the
 * shared device-tree rules of board_dt.c.
 *
 * libfdt does all the walking. No global state and no allocation: the
 * caller owns struct board and the message buffer.
 */
#include <tandem/types.h>

#include "board_dt.h"

#include <errno.h>
#include <string.h>

/* MPIDR_EL1 Aff3 [39:32] and Aff2..Aff0 [23:0]: all a cpu's reg may hold. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

static void parse_model(struct dt *dt, struct board *b)
{
	const char *p;
	int len;
	size_t n;

	p = fdt_getprop(dt->fdt, 0, "model", &len);
	if (!p || len <= 0)
		return;
	n = strnlen(p, (size_t)len);
	if (n >= sizeof(b->model))
		n = sizeof(b->model) - 1;
	memcpy(b->model, p, n);
	b->model[n] = '\0';
}

static int parse_cpu(struct dt *dt, struct board *b, int cpu, int ac)
{
	const fdt32_t *reg;
	uint64_t mpidr;
	unsigned int i;
	int len;

	reg = fdt_getprop(dt->fdt, cpu, "reg", &len);
	if (!reg)
		return dt_prop_fail(dt, cpu, "reg", len);
	if (len == 0 || len % (ac * 4))
		return dt_fail(dt, cpu, -EINVAL,
			       "property 'reg' is %d bytes, need a multiple of %d (/cpus #address-cells)",
			       len, ac * 4);
	mpidr = dt_read_cells(reg, ac);
	if (mpidr & ~MPIDR_AFF_MASK)
		return dt_fail(dt, cpu, -EINVAL,
			       "property 'reg' 0x%llx has bits outside MPIDR Aff0..Aff3",
			       (unsigned long long)mpidr);

	/*
	 * Cores past CONFIG_MAX_CPUS are left to sleep in firmware: running
	 * on a subset of the cores is a valid configuration, not an error.
	 */
	if (b->n_cpus == CONFIG_MAX_CPUS)
		return 0;
	for (i = 0; i < b->n_cpus; i++)
		if (b->cpu_mpidr[i] == mpidr)
			return dt_fail(dt, cpu, -EINVAL,
				       "property 'reg' 0x%llx repeats an earlier cpu's",
				       (unsigned long long)mpidr);
	b->cpu_mpidr[b->n_cpus++] = mpidr;
	return 0;
}

static int parse_cpus(struct dt *dt, struct board *b)
{
	int cpus, cpu, ac, sc, ret;

	cpus = fdt_path_offset(dt->fdt, "/cpus");
	if (cpus < 0)
		return dt_fail(dt, -1, -ENOENT, "node /cpus missing");
	ret = dt_bus_cells(dt, cpus, &ac, &sc, 0, 0);
	if (ret)
		return ret;

	fdt_for_each_subnode(cpu, dt->fdt, cpus) {
		if (!dt_prop_is(dt, cpu, "device_type", "cpu") ||
		    !dt_node_available(dt, cpu))
			continue;
		ret = parse_cpu(dt, b, cpu, ac);
		if (ret)
			return ret;
	}
	if (cpu != -FDT_ERR_NOTFOUND)
		return dt_fail(dt, cpus, -EINVAL, "walking children: %s",
			       fdt_strerror(cpu));
	if (!b->n_cpus)
		return dt_fail(dt, cpus, -ENOENT,
			       "no cpu nodes (device_type \"cpu\", status okay)");
	return 0;
}

/*
 * Only PSCI 0.2+ fixes the function IDs; a 0.1-only node ("arm,psci")
 * carries board-specific ones we would silently get wrong, so refuse it.
 */
static int parse_psci(struct dt *dt, struct board *b)
{
	const char *method;
	int node, ret;

	node = dt_find_compatible(dt, "arm,psci-1.0");
	if (node == -FDT_ERR_NOTFOUND)
		node = dt_find_compatible(dt, "arm,psci-0.2");
	if (node == -FDT_ERR_NOTFOUND) {
		node = dt_find_compatible(dt, "arm,psci");
		if (node >= 0)
			return dt_fail(dt, node, -EINVAL,
				       "property 'compatible' is PSCI 0.1 only (\"arm,psci\"); need \"arm,psci-0.2\" or later");
		if (node == -FDT_ERR_NOTFOUND) {
			b->psci = PSCI_CONDUIT_NONE;
			return 0;
		}
	}
	if (node < 0)
		return dt_fail(dt, -1, -EINVAL, "looking for PSCI: %s",
			       fdt_strerror(node));

	ret = dt_prop_str(dt, node, "method", &method);
	if (ret)
		return ret;
	if (!strcmp(method, "smc"))
		b->psci = PSCI_CONDUIT_SMC;
	else if (!strcmp(method, "hvc"))
		b->psci = PSCI_CONDUIT_HVC;
	else
		return dt_fail(dt, node, -EINVAL,
			       "property 'method' is \"%.16s\", need \"smc\" or \"hvc\"",
			       method);
	return 0;
}

int board_parse(const void *fdt, struct board *b, char *err, size_t errlen)
{
	struct dt dt = { .fdt = fdt, .err = err, .errlen = errlen };
	int ret;

	memset(b, 0, sizeof(*b));
	if (err && errlen)
		err[0] = '\0';

	ret = fdt_check_header(fdt);
	if (ret)
		return dt_fail(&dt, -1, -EINVAL, "bad header: %s",
			       fdt_strerror(ret));
	/* One pass up front so a corrupt blob fails here, not mid-parse. */
	ret = fdt_check_full(fdt, fdt_totalsize(fdt));
	if (ret)
		return dt_fail(&dt, -1, -EINVAL, "bad structure: %s",
			       fdt_strerror(ret));

	parse_model(&dt, b);
	ret = board_parse_memory(&dt, b);
	if (!ret)
		ret = parse_cpus(&dt, b);
	if (!ret)
		ret = parse_psci(&dt, b);
	/* Last: a device without a driver still leaves the rest described. */
	if (!ret)
		ret = board_parse_devices(&dt, b);
	if (ret)
		return ret;

	b->fdt_size = fdt_totalsize(fdt);
	return 0;
}
