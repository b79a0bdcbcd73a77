/* Shell commands about the system as a whole: version, uptime, log, power. */
#include <tandem/kernel.h>
#include <tandem/log.h>
#include <tandem/shell.h>
#include <tandem/version.h>
#include <arch/psci.h>

static int cmd_version(struct shell *sh, int argc, char **argv)
{
	shell_printf(sh, "Tandem %s (built %s)\n", tandem_version, tandem_build_date);
	return 0;
}
SHELL_CMD("version", cmd_version, "", "show the hypervisor version");

static int cmd_uptime(struct shell *sh, int argc, char **argv)
{
	uint64_t us = k_uptime_ns() / 1000;

	shell_printf(sh, "up %llu.%06llu s\n", (unsigned long long)(us / 1000000),
		     (unsigned long long)(us % 1000000));
	return 0;
}
SHELL_CMD("uptime", cmd_uptime, "", "time since boot");

static void print_log_line(const char *line, void *arg)
{
	shell_printf(arg, "%s\n", line);
}

static int cmd_log(struct shell *sh, int argc, char **argv)
{
	log_foreach(print_log_line, sh);
	return 0;
}
SHELL_CMD("log", cmd_log, "", "show recent log lines");

static int cmd_poweroff(struct shell *sh, int argc, char **argv)
{
	if (!psci_available()) {
		shell_printf(sh, "error: no PSCI firmware: cannot power off\n");
		return -1;
	}
	LOG_INF("powering off");
	psci_system_off();
}
SHELL_CMD("poweroff", cmd_poweroff, "", "switch the machine off (PSCI SYSTEM_OFF)");

static int cmd_reboot(struct shell *sh, int argc, char **argv)
{
	if (!psci_available()) {
		shell_printf(sh, "error: no PSCI firmware: cannot reboot\n");
		return -1;
	}
	LOG_INF("rebooting");
	psci_system_reset();
}
SHELL_CMD("reboot", cmd_reboot, "", "reset the machine (PSCI SYSTEM_RESET)");
