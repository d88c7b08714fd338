// Collects metrics per (scenario, metric) for both systems and prints them side by side with the ratio (or, for the
// distribution bench, Thingyard's alone).
using System.Globalization;
using System.Text;

namespace Thingyard.Bench;

public sealed class Results
{
    public sealed class Row(string scenario, string metric, string unit, bool higherIsBetter)
    {
        public string Scenario { get; } = scenario;
        public string Metric { get; } = metric;
        public string Unit { get; } = unit;
        public bool HigherIsBetter { get; } = higherIsBetter;
        public double? Thingyard { get; set; }
        public double? Mosquitto { get; set; }
        public string? ThingyardText { get; set; }
        public string? MosquittoText { get; set; }
    }

    readonly List<Row> _rows = [];
    readonly List<string> _notes = [];

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>While muted (the warm-up phase) nothing is recorded.</summary>
    public bool Muted { get; set; }

    public void Note(string text)
    {
        if (Muted) return;
        lock (_notes) _notes.Add(text);
    }

    /// <summary>Records a value; <paramref name="text"/> replaces the number in the table (e.g. "n/a").</summary>
    public void Add(string scenario, string metric, string unit, bool higherIsBetter, string system, double? value, string? text = null)
    {
        if (Muted) return;
        lock (_rows)
        {
            var row = _rows.FirstOrDefault(r => r.Scenario == scenario && r.Metric == metric);
            if (row is null) _rows.Add(row = new Row(scenario, metric, unit, higherIsBetter));
            if (system == "Thingyard") { row.Thingyard = value; row.ThingyardText = text; }
            else { row.Mosquitto = value; row.MosquittoText = text; }
        }
    }

    public double? Get(string scenario, string metric, string system)
    {
        lock (_rows)
        {
            var row = _rows.FirstOrDefault(r => r.Scenario == scenario && r.Metric == metric);
            return row is null ? null : system == "Thingyard" ? row.Thingyard : row.Mosquitto;
        }
    }

    public static string Format(double v, string unit)
    {
        var n = Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 10 ? v.ToString("N1", CultureInfo.InvariantCulture)
            : v.ToString("N2", CultureInfo.InvariantCulture);
        return unit.Length == 0 ? n : $"{n} {unit}";
    }

    /// <summary>One system only (the distribution bench): its value per row, no comparison.</summary>
    public string SingleTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Scenario | Metric | Thingyard |");
        sb.AppendLine("|---|---|---:|");
        lock (_rows)
            foreach (var r in _rows)
                sb.AppendLine($"| {r.Scenario} | {r.Metric} | {r.ThingyardText ?? (r.Thingyard is { } v ? Format(v, r.Unit) : "–")} |");
        return sb.ToString();
    }

    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Scenario | Metric | Thingyard | Mosquitto | Thingyard / Mosquitto |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        lock (_rows)
            foreach (var r in _rows)
            {
                var t = r.ThingyardText ?? (r.Thingyard is { } tv ? Format(tv, r.Unit) : "–");
                var m = r.MosquittoText ?? (r.Mosquitto is { } mv ? Format(mv, r.Unit) : "–");
                var ratio = r.Thingyard is { } a && r.Mosquitto is { } b && b != 0 && r.ThingyardText is null && r.MosquittoText is null
                    ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" + (r.HigherIsBetter ? "" : " (lower is better)")
                    : "–";
                sb.AppendLine($"| {r.Scenario} | {r.Metric} | {t} | {m} | {ratio} |");
            }
        return sb.ToString();
    }
}
