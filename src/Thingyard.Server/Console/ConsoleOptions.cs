// Section Thingyard:Console: how console sign-in behaves.
namespace Thingyard.Server.Console;

public sealed class ConsoleOptions
{
    /// <summary>Wrong passwords in a row that lock a console user out.</summary>
    public int LockoutFailures { get; set; } = 5;
    public int LockoutMinutes { get; set; } = 15;
    /// <summary>How long a sign-in lasts without use (sliding).</summary>
    public int SessionHours { get; set; } = 8;
}
