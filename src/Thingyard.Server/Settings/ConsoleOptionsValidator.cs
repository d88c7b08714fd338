// Section Thingyard:Console (ConsoleOptions): lockout and session lengths within what makes sense for people.
using Microsoft.Extensions.Options;
using Thingyard.Server.Console;

namespace Thingyard.Server.Settings;

public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions o)
    {
        var e = new SettingErrors(Sections.Console);
        e.Range(nameof(o.LockoutFailures), o.LockoutFailures, 1, 100, " wrong passwords");
        e.Range(nameof(o.LockoutMinutes), o.LockoutMinutes, 1, 1440, " minutes");
        e.Range(nameof(o.SessionHours), o.SessionHours, 1, 720, " hours");
        return e.Result;
    }
}
