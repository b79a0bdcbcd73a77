"""PNG histograms of RTOS timer-interrupt latency with gnuplot (Debian's
gnuplot-nox; a bench dependency, not a `make test` one).

The RTOS guest prints "LATHIST: <low ns>:<count> ..." before its LATENCY
line: every sample sorted into four buckets per octave (guests/rtos/tick.c).
plot() draws one curve per setup, share of samples against latency on a
log axis.
"""
import os
import re
import shutil
import subprocess

HIST_RE = re.compile(r"LATHIST:((?: \d+:\d+)*)")


def parse(text):
    """The last LATHIST line in text as [(low_ns, count)], or None."""
    found = HIST_RE.findall(text)
    if not found:
        return None
    return [tuple(int(x) for x in pair.split(":")) for pair in found[-1].split()]


def plot(hists, out_png, title):
    """hists: [(label, [(low_ns, count)])]. Writes out_png and a .dat beside it."""
    if not shutil.which("gnuplot"):
        raise RuntimeError("gnuplot is not installed: run `make bench-deps`")
    dat = os.path.splitext(out_png)[0] + ".dat"
    with open(dat, "w") as f:
        for label, h in hists:
            total = sum(c for _, c in h) or 1
            f.write("# %s\n" % label)
            for low, c in h:
                # Bucket [low, 1.19 low) as a bar outline, in us: empty
                # buckets between two bars stay at 0.
                lo = max(low, 1) / 1000.0
                hi = lo * 2 ** 0.25
                for x, y in ((lo, 0), (lo, c / total), (hi, c / total), (hi, 0)):
                    f.write("%.4f %.5f\n" % (x, y))
            f.write("\n\n")
    plots = ", ".join("'%s' index %d using 1:2 with lines lw 2 title '%s'"
                      % (dat, i, label.replace("'", "")) for i, (label, _) in enumerate(hists))
    script = "\n".join([
        "set terminal pngcairo size 800,420 font ',10'" if _has_cairo() else
        "set terminal png size 800,420",
        "set output '%s'" % out_png,
        "set title '%s'" % title.replace("'", ""),
        "set logscale x",
        "set xlabel 'latency (us, log scale; buckets of a quarter octave)'",
        "set ylabel 'share of samples'",
        "set grid",
        "set key top right",
        "plot " + plots,
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return out_png


def _has_cairo():
    r = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    return "pngcairo" in (r.stdout + r.stderr)
