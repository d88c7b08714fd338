// The machine may be shared (builds and tests of other work run on the same 2 cores): measure how much CPU processes
// other than the bench and its servers take during each measurement, and optionally wait for a quiet moment first.
using System.Diagnostics;
using System.Globalization;

namespace Thingyard.Bench;

public static class Machine
{
    static readonly double Hz = Posix.ClockTicks();

    /// <summary>Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat.</summary>
    public static double BusySeconds()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long v(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return (v(1) + v(2) + v(3) + v(6) + v(7) + v(8)) / Hz;
    }

    static double OursSeconds(IEnumerable<int> pids) => pids.Sum(p =>
    {
        try { return Proc.CpuSeconds(p); }
        catch (IOException) { return 0; }
    });

    /// <summary>CPU used by everything except <c>pids</c> over an interval, in % of one core (the machine has 2: 200%).</summary>
    public sealed class OthersMeter
    {
        readonly int[] _pids;
        readonly double _busy0, _ours0;
        readonly long _t0;

        public OthersMeter(IEnumerable<int> pids)
        {
            _pids = [.. pids];
            _busy0 = BusySeconds();
            _ours0 = OursSeconds(_pids);
            _t0 = Stopwatch.GetTimestamp();
        }

        public double Percent()
        {
            var wall = Stopwatch.GetElapsedTime(_t0).TotalSeconds;
            var others = (BusySeconds() - _busy0) - (OursSeconds(_pids) - _ours0);
            return wall > 0 ? Math.Max(0, 100 * others / wall) : 0;
        }
    }

    /// <summary>Waits up to <paramref name="maxSeconds"/> for a second in which other processes use under
    /// <paramref name="thresholdPercent"/>% CPU; returns the last reading.</summary>
    public static async Task<double> WaitQuietAsync(IEnumerable<int> pids, int maxSeconds, double thresholdPercent, Action<string> say)
    {
        var list = pids.ToArray();
        var until = DateTime.UtcNow.AddSeconds(maxSeconds);
        var said = false;
        while (true)
        {
            var meter = new OthersMeter(list);
            await Task.Delay(1_000);
            var others = meter.Percent();
            if (others < thresholdPercent || DateTime.UtcNow >= until)
            {
                if (said) say($"  other processes now at {others:F0}% CPU{(others >= thresholdPercent ? " (gave up waiting)" : "")}");
                return others;
            }
            if (!said) say($"  waiting up to {maxSeconds} s for other processes to quiet down (now {others:F0}% CPU)");
            said = true;
        }
    }
}
