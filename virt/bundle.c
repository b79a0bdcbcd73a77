/* The boot bundle of VM configs and guest images (see virt/bundle.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <tandem/buddy.h>
#include <tandem/log.h>
#include <tandem/percpu.h>
#include <virt/bundle.h>

static const void *bundle;
static size_t bundle_size;
static struct vm_config *configs;	/* grown per file: no fixed limit */
static unsigned n_configs, cap_configs;

static uint64_t chosen_u64(const void *dtb, int node, const char *prop, bool *ok)
{
	int len;
	const fdt32_t *p = fdt_getprop(dtb, node, prop, &len);

	*ok = true;
	if (p && len == 4)
		return fdt32_to_cpu(p[0]);
	if (p && len == 8)
		return (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
	*ok = false;
	return 0;
}

int bundle_init(const void *dtb, paddr_t *start, paddr_t *end)
{
	int node = fdt_path_offset(dtb, "/chosen");
	bool ok1, ok2;
	uint64_t s, e;

	*start = *end = 0;
	if (node < 0)
		return 0;
	s = chosen_u64(dtb, node, "linux,initrd-start", &ok1);
	e = chosen_u64(dtb, node, "linux,initrd-end", &ok2);
	if (!ok1 || !ok2)
		return 0;
	if (e <= s) {
		LOG_ERR("board DTB: /chosen: linux,initrd-end %#llx is not above linux,initrd-start %#llx",
			(unsigned long long)e, (unsigned long long)s);
		return -EINVAL;
	}
	/* Page 0 is the host's NULL guard, never mapped (page_alloc.c). */
	if (s < PAGE_SIZE) {
		LOG_ERR("board DTB: /chosen: linux,initrd-start %#llx is in physical page 0, which Tandem never maps; load the bundle higher",
			(unsigned long long)s);
		return -EINVAL;
	}
	bundle = (const void *)s;
	bundle_size = e - s;
	*start = s;
	*end = e;
	return 0;
}

int bundle_find(const char *name, struct cpio_file *f)
{
	if (!bundle)
		return -ENOENT;
	return cpio_find(bundle, bundle_size, name, f);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Room for `more` configs after the n_configs there are. */
static int reserve_configs(unsigned more)
{
	struct vm_config *grown;

	if (n_configs + more <= cap_configs)
		return 0;
	grown = realloc(configs, (n_configs + more) * sizeof(*configs));
	if (!grown)
		return -ENOMEM;
	configs = grown;
	cap_configs = n_configs + more;
	return 0;
}

int bundle_load_configs(void)
{
	struct cpio_file f;
	size_t pos = 0;
	char err[200];
	int ret;

	if (!bundle)
		return 0;
	while ((ret = cpio_next(bundle, bundle_size, &pos, &f)) == 1) {
		unsigned got = 0;
		void *dtb;
		int fret, vms;

		if (strncmp(f.name, "configs/", 8) || !has_suffix(f.name, ".dtb"))
			continue;
		/* cpio aligns data to 4 bytes; libfdt wants 8. */
		dtb = malloc(f.size);
		if (!dtb) {
			LOG_ERR("%s: out of memory", f.name);
			continue;
		}
		memcpy(dtb, f.data, f.size);
		fret = f.size < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED :
		       fdt_check_header(dtb);
		if (fret || fdt_totalsize(dtb) > f.size) {
			LOG_ERR("%s: not a valid compiled device tree (%s)", f.name,
				fret ? fdt_strerror(fret) : "truncated");
		} else if ((vms = vm_config_count_vms(dtb)) > 0 &&
			   reserve_configs((unsigned)vms)) {
			LOG_ERR("%s: no memory for its %d VM configs", f.name, vms);
		} else if (vm_config_parse(dtb, f.name, cpu_count, configs + n_configs,
					   cap_configs - n_configs, &got, err,
					   sizeof(err))) {
			LOG_ERR("%s", err);
		} else {
			n_configs += got;
		}
		free(dtb);
	}
	if (ret < 0)
		LOG_ERR("boot bundle: malformed cpio archive");
	if (vm_config_check_set(configs, n_configs, err, sizeof(err))) {
		LOG_ERR("%s", err);
		n_configs = 0;
		return -EINVAL;
	}
	return (int)n_configs;
}

unsigned bundle_config_count(void)
{
	return n_configs;
}

const struct vm_config *bundle_config(unsigned i)
{
	return i < n_configs ? &configs[i] : NULL;
}

const struct vm_config *bundle_config_by_name(const char *name)
{
	for (unsigned i = 0; i < n_configs; i++)
		if (strcmp(configs[i].name, name) == 0)
			return &configs[i];
	return NULL;
}
