// The process's open-file limit, which every socket counts against: connection caps are set below it so that a flood
// of sockets is refused one by one instead of exhausting descriptors (which took the whole process down, HTTP included).
namespace Thingyard.Server.Connectivity;

public static class DescriptorLimit
{
    /// <summary>The soft RLIMIT_NOFILE (the runtime raises it to the hard limit at start), from /proc/self/limits; null
    /// where that file does not exist.</summary>
    public static long? Current()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], out var soft) ? soft : null;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
