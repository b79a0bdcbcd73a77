/*
 * What an SError found at a guest exit means (see arch/serror.h). Before
 * this, an SError caused by VM A's device write that arrived after A's exit
 * was taken at the next guest entry, whichever VM's, and that VM was
 * marked crashed. Now every exit synchronises, so what is pending at an
 * exit is the exiting guest's doing, and nothing pending is carried into
 * a guest. With RAS, a corrected error (AET = CE) is reported and the VM
 * goes on, as Linux does for its own.
 */
#include <arch/serror.h>

#define ISS_IDS		(1ULL << 24)
#define ISS_AET(s)	(((s) >> 10) & 7)
#define ISS_DFSC(s)	((s) & 0x3f)
#define DFSC_ASYNC	0x11		/* asynchronous SError interrupt */
#define AET_CE		6

static bool architected(uint64_t s)
{
	return !(s & ISS_IDS) && ISS_DFSC(s) == DFSC_ASYNC;
}

enum serror_action serror_action(uint64_t syndrome, bool at_entry)
{
	if (!(syndrome & SERROR_PRESENT))
		return SERROR_NONE;
	if (at_entry)
		return SERROR_LOG;
	if (architected(syndrome) && ISS_AET(syndrome) == AET_CE)
		return SERROR_LOG;
	return SERROR_CRASH_VM;
}

const char *serror_kind(uint64_t syndrome)
{
	static const char *const aet[8] = {
		"uncontainable", "unrecoverable", "restartable", "recoverable",
		"error (AET 4)", "error (AET 5)", "corrected", "error (AET 7)",
	};

	if (!(syndrome & SERROR_PRESENT))
		return "none";
	if (syndrome & ISS_IDS)
		return "implementation-defined";
	if (ISS_DFSC(syndrome) != DFSC_ASYNC)
		return "uncategorized";
	return aet[ISS_AET(syndrome)];
}
