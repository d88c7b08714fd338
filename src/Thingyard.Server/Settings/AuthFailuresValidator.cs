// Section Thingyard:Security:AuthFailures (AuthThrottleOptions, in src/Thingyard/Accounts/AuthThrottle.cs).
using Microsoft.Extensions.Options;
using Thingyard.Accounts;

namespace Thingyard.Server.Settings;

public sealed class AuthFailuresValidator : IValidateOptions<AuthThrottleOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthThrottleOptions o)
    {
        var e = new SettingErrors(Sections.AuthFailures);
        e.AtLeast(nameof(o.PerAddress), o.PerAddress, 0, accepted: "1 or more, or 0 to turn the limit off");
        e.AtLeast(nameof(o.PerIdentity), o.PerIdentity, 0, accepted: "1 or more, or 0 to turn the limit off");
        e.AtLeast(nameof(o.WindowSeconds), o.WindowSeconds, 1, " (seconds)");
        e.AtLeast(nameof(o.LockoutSeconds), o.LockoutSeconds, 1, " (seconds)");
        return e.Result;
    }
}
