// What a client sent, as it goes into a log line: clipped, since client ids and topic filters are the client's to make
// as long as a packet allows (a flood of 60 KB client ids once grew the log by 300 MB in 10 s).
namespace Thingyard.Server.Connectivity;

public static class LogText
{
    public const int MaxLength = 96;

    public static string Clip(string? text) =>
        text is null ? "" : text.Length <= MaxLength ? text : $"{text[..MaxLength]}…({text.Length} chars)";
}
