#!/bin/sh
# Fails the build if the linked hypervisor could touch a guest's FP/SIMD
# registers behind its back. Two rules:
#
# 1. No function other than the ones listed below uses an FP/SIMD register.
#    Why: a vCPU thread runs host code with the guest's FP/SIMD registers
#    still live (they are saved only on a thread switch), and so does
#    interrupt context. Host C is built -mgeneral-regs-only, but library
#    code is not: picolibc's printf uses q0-q7, and libgcc's __popcountdi2
#    (what __builtin_popcount becomes) uses v0. One such call on a guest exit
#    silently corrupts a guest register.
#    Allowed: the save/restore code itself (fpsimd.S), and picolibc's printf
#    family.
#
# 2. Nothing calls that printf family except the bracketing wrappers of
#    kernel/printf_fp.c (the link's --wrap=snprintf/vsnprintf sends every
#    call there), and those wrappers save and restore the FP/SIMD registers.
#    Why: rule 1 cannot see a call site; any call from an exit handler (the
#    vwarn() of an injected abort) clobbered the guest's V0/V1. Checking
#    that every call goes through one bracket holds whatever calls it,
#    directly or through a function pointer, which a call graph built from
#    the disassembly could not follow.
#
# usage: check-fpsimd.sh <objdump> <elf>
set -eu
objdump=$1
elf=$2
save=" arch_fp_save arch_fp_restore arch_fp_take guest_fp_trap "
printf_family=" vsnprintf snprintf __d_vfprintf __dtoa_engine "
wrappers=" __wrap_vsnprintf __wrap_snprintf "

dis=$("$objdump" -d --no-show-raw-insn "$elf")

bad=$(echo "$dis" | awk -v allowed="$save$printf_family" '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	{
		n = split($0, f, "\t")
		if (n < 3) next
		# Branch targets print as hex (b540), which looks like a register.
		if (f[2] ~ /^(b|bl|b\.[a-z]+|cbn?z|tbn?z|adrp?)[ ]*$/) next
		if (f[3] ~ /(^|[ ,{\[])[bhsdqvz][0-9]+([.,}\] ]|$)/ &&
		    index(allowed, " " fn " ") == 0)
			used[fn] = f[2] " " f[3]
	}
	END { for (fn in used) printf "  %s: %s\n", fn, used[fn] }')

if [ -n "$bad" ]; then
	echo "check-fpsimd: $elf: FP/SIMD registers used outside the allowed functions" >&2
	echo "(they would corrupt a guest's registers; see scripts/check-fpsimd.sh):" >&2
	echo "$bad" >&2
	exit 1
fi

# Rule 2: callers of the printf family, and what each wrapper calls.
bad=$(echo "$dis" | awk -v family="$printf_family" -v wrappers="$wrappers" '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	{
		if (!match($0, /<[^>+]+[>+]/)) next
		target = substr($0, RSTART + 1, RLENGTH - 2)
		if (index(wrappers, " " fn " ")) {
			if (target == "arch_fp_save") saves[fn] = 1
			if (target == "arch_fp_restore") restores[fn] = 1
		}
		if (index(family, " " target " ") == 0) next
		if (index(family, " " fn " ") || index(wrappers, " " fn " ")) next
		caller[fn] = target
	}
	END {
		for (fn in caller)
			printf "  %s calls %s outside the FP/SIMD bracket\n", fn, caller[fn]
		if (!("__wrap_vsnprintf" in saves) || !("__wrap_vsnprintf" in restores))
			printf "  __wrap_vsnprintf does not save and restore the FP/SIMD registers\n"
	}')

if [ -n "$bad" ]; then
	echo "check-fpsimd: $elf: printf-family calls that would clobber a guest's FP/SIMD" >&2
	echo "registers (link with --wrap=snprintf,--wrap=vsnprintf; see kernel/printf_fp.c):" >&2
	echo "$bad" >&2
	exit 1
fi
