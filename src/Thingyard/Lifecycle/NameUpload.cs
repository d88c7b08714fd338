// Device names uploaded for a production batch, each with the line it came from, so a refusal can point at the line.
using System.Text;
using Thingyard.Common;

namespace Thingyard.Lifecycle;

/// <summary>One uploaded name and its line (from 1, as the file's lines, the header included).</summary>
public sealed record UploadedName(int Line, string Name);

/// <summary>An uploaded name that was not accepted, and why.</summary>
public sealed record RejectedName(int Line, string Name, string Error);

public static class NameUpload
{
    public const int MaxNames = 10_000;
    public const int MaxCsvBytes = 1024 * 1024;

    /// <summary>A CSV of one DeviceName per line, with an optional "DeviceName" header on the first line; blank lines are
    /// skipped but counted, so line numbers match the file.</summary>
    public static List<UploadedName> FromCsv(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxCsvBytes)
            throw new IotException(IotErrors.UploadTooLarge, $"The CSV is larger than {MaxCsvBytes / 1024 / 1024} MB; split the batch.");
        var names = new List<UploadedName>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var name = lines[i].Trim().Trim('"').Trim();
            if (name.Length == 0) continue;
            if (i == 0 && name.Equals("DeviceName", StringComparison.OrdinalIgnoreCase)) continue;
            names.Add(new UploadedName(i + 1, name));
            Limit(names.Count);
        }
        return names;
    }

    /// <summary>A list of names (DeviceName.1..N, a JSON array): the Nth name is line N.</summary>
    public static List<UploadedName> FromList(IReadOnlyList<string> names)
    {
        Limit(names.Count);
        return names.Select((n, i) => new UploadedName(i + 1, n.Trim())).ToList();
    }

    static void Limit(int count)
    {
        if (count > MaxNames)
            throw new IotException(IotErrors.TooManyNames, $"A production batch takes at most {MaxNames:N0} device names; split the upload.");
    }
}
