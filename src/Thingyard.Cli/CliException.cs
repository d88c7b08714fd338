// A failure the user can fix (no configuration, unreadable file, unreachable server): printed as "error: message", exit 1.
namespace Thingyard.Cli;

public sealed class CliException(string message) : Exception(message);
