// Files a command reads (a CSV of names, a TSL document, a provisioning file), or standard input for "-": a file that
// cannot be read is one "cannot read" error line, not a stack trace.
namespace Thingyard.Cli;

public static class InputFile
{
    public static async Task<string> ReadTextAsync(string file, CancellationToken ct)
    {
        try { return file == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(file, ct); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"cannot read {file}: {e.Message}"); }
    }

    public static async Task<byte[]> ReadBytesAsync(string file, CancellationToken ct)
    {
        try { return await File.ReadAllBytesAsync(file, ct); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"cannot read {file}: {e.Message}"); }
    }
}
